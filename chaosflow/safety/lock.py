"""An exclusive run lock per storage root: a second concurrent run is refused or waits.

The lock is a small JSON file, ``<root>/locks/<name>.lock``, created with ``O_CREAT | O_EXCL``
(atomic on local filesystems and on NFSv3+), holding the owner's pid, host, start time and
command. A lock whose owner is on this host and no longer alive is *stale* and is taken over;
stale-lock breaking is serialized by ``flock`` on the locks folder, so two breakers cannot remove
each other's fresh lock. A lock held from another host is never broken automatically (its pid
cannot be checked from here): the message names the host, pid and the file to remove.

Object-store roots (``s3://...``) have no atomic create-if-absent through fsspec; there the
lock is a no-op and the store's repeat-safe writes are what keeps concurrent runs correct.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from chaosflow.storage import StorageError, safe_part

#: A lock file this young may still be being written by its creator (empty or partial JSON).
_FRESH_S = 5.0


class LockedError(StorageError):
    """The root is locked by another live run."""


@dataclass(frozen=True)
class LockInfo:
    """Who holds a lock: enough for a person to find the run (or decide it is gone)."""

    pid: int
    host: str
    started: str
    command: str
    token: str

    def describe(self) -> str:
        return f"pid {self.pid} on host {self.host!r} since {self.started} ({self.command})"


def lock_path(root: str | os.PathLike[str], name: str = "run") -> Path | None:
    """The lock file of a local root, or None for a remote (fsspec URL) root."""
    text = os.fspath(root)
    if "://" in text and not text.startswith("file://"):
        return None
    return Path(text.removeprefix("file://")) / "locks" / f"{safe_part(name)}.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def read_lock(path: Path) -> LockInfo | None:
    """The holder recorded in ``path``; None when absent or unreadable (being written)."""
    try:
        data = json.loads(path.read_text())
        return LockInfo(**data)
    except (FileNotFoundError, ValueError, TypeError):
        return None


def is_stale(path: Path, info: LockInfo | None) -> bool:
    """Whether the lock at ``path`` belongs to nobody alive (decidable only on this host)."""
    if info is None:  # unreadable: stale once it is older than any creator's write
        try:
            return time.time() - path.stat().st_mtime > _FRESH_S
        except FileNotFoundError:
            return False
    return info.host == socket.gethostname() and not _alive(info.pid)


def _try_create(path: Path, info: LockInfo) -> bool:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps(asdict(info)))
        fh.flush()
        os.fsync(fh.fileno())
    return True


def _break_if_stale(path: Path) -> None:
    # One breaker at a time: flock on the locks folder itself (no extra file; released on
    # close or when the process dies).
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if is_stale(path, read_lock(path)):
            path.unlink(missing_ok=True)
    finally:
        os.close(fd)


@contextlib.contextmanager
def acquire(
    root: str | os.PathLike[str],
    *,
    name: str = "run",
    wait: float = 0.0,
    poll: float = 0.2,
    command: str | None = None,
) -> Iterator[LockInfo | None]:
    """Hold the root's lock for the ``with`` body; refuse (``LockedError``) or wait for it.

    Parameters
    ----------
    root : the storage root (local folder or ``file://`` URL; other URLs are not locked).
    name : lock name, one path component (``"run"`` serializes every writing command).
    wait : seconds to wait for a live holder to finish; 0 refuses at once.
    poll : seconds between attempts while waiting.
    command : recorded for the message others see (default: this process's argv).
    """
    path = lock_path(root, name)
    if path is None:
        yield None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    info = LockInfo(
        pid=os.getpid(),
        host=socket.gethostname(),
        started=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        command=command or " ".join(os.path.basename(a) for a in sys.argv[:3]),
        token=uuid.uuid4().hex,
    )
    deadline = time.monotonic() + wait
    while not _try_create(path, info):
        _break_if_stale(path)
        if _try_create(path, info):
            break
        if time.monotonic() >= deadline:
            holder = read_lock(path)
            who = holder.describe() if holder else "a run whose lock file is being written"
            raise LockedError(
                f"storage root {str(path.parents[1])!r} is in use by {who}; wait for it to "
                f"finish (runs on one root are serialized), or, if that run is gone, remove "
                f"{str(path)!r}"
            )
        time.sleep(poll)
    try:
        yield info
    finally:
        held = read_lock(path)
        if held is not None and held.token == info.token:
            path.unlink(missing_ok=True)
