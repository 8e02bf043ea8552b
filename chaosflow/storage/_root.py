"""A storage root: a local folder or any fsspec URL, with names that cannot escape it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import fsspec
from fsspec.core import url_to_fs

_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.=+-]*$")


class StorageError(RuntimeError):
    """A store that is missing, incomplete, corrupt, locked or not writable."""


def safe_part(part: str) -> str:
    """A single path component: no separators, no '..', no leading dot."""
    if not isinstance(part, str) or not _PART.match(part) or ".." in part:
        raise StorageError(f"name {part!r} is not a safe path component (letters, digits, _.=+-)")
    return part


@dataclass(frozen=True)
class Root:
    """``<root>`` of the layout: ``datasets/``, ``runs/``, ``evals/``, ``metrics.zarr``."""

    url: str
    storage_options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def fs(self) -> fsspec.AbstractFileSystem:
        return url_to_fs(self.url, **self.storage_options)[0]

    @property
    def is_local(self) -> bool:
        return "://" not in self.url or self.url.startswith("file://")

    def join(self, *parts: str) -> str:
        """URL of ``root/part/...``; every part is checked by ``safe_part``."""
        return "/".join([self.url.rstrip("/"), *(safe_part(p) for p in parts)])

    @property
    def fresh_fs(self) -> fsspec.AbstractFileSystem:
        """``fs`` with its listings cache dropped: markers are written by other processes, and
        a cached listing of an object store would hide them (s3fs answers ``exists`` from it)."""
        fs = self.fs
        if not self.is_local:
            fs.invalidate_cache()
        return fs

    def exists(self, *parts: str) -> bool:
        return self.fresh_fs.exists(self.join(*parts))

    def write_json(self, obj: Any, *parts: str) -> None:
        """Write JSON atomically where the filesystem allows (write temp, then move)."""
        url = self.join(*parts)
        fs = self.fs
        fs.makedirs(url.rsplit("/", 1)[0], exist_ok=True)
        data = json.dumps(obj, sort_keys=True, indent=1).encode()
        if self.is_local:
            tmp = url + ".tmp"
            with fs.open(tmp, "wb") as fh:
                fh.write(data)
            fs.mv(tmp, url)
        else:  # object stores: a PUT is atomic already
            with fs.open(url, "wb") as fh:
                fh.write(data)

    def read_json(self, *parts: str) -> Any:
        with self.fs.open(self.join(*parts), "rb") as fh:
            return json.loads(fh.read())

    def listdir(self, *parts: str) -> list[str]:
        url = self.join(*parts) if parts else self.url
        fs = self.fresh_fs
        if not fs.exists(url):
            return []
        return sorted(p.rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(url, detail=False))

    def store(self, *parts: str) -> Any:
        """A zarr store object for ``root/parts`` (local folder or fsspec)."""
        import zarr.storage

        url = self.join(*parts)
        if self.is_local:
            return zarr.storage.LocalStore(url.removeprefix("file://"))
        return zarr.storage.FsspecStore.from_url(url, storage_options=self.storage_options or None)
