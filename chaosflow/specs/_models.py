"""Pydantic models for the specs, YAML loading and the canonical hash."""

from __future__ import annotations

import hashlib
import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PositiveFloat,
    PositiveInt,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

#: Bumped when the meaning of a spec field changes, so old outputs are not mistaken for new ones.
SPEC_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class SpecError(ValueError):
    """A spec that fails validation; the message names each bad field."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_name(value: str, what: str) -> str:
    if not _NAME.match(value) or ".." in value:
        raise ValueError(
            f"{what} {value!r} must be 1-64 letters, digits, '_', '-' or '.', not start with "
            "a symbol and not contain '..' (it names files)"
        )
    return value


class SystemRef(_Frozen):
    """A catalog system with optional parameter overrides (and ``dim`` for scalable systems)."""

    name: str
    params: dict[str, float] = Field(default_factory=dict)
    dim: PositiveInt | None = None

    @field_validator("params")
    @classmethod
    def _finite(cls, v: dict[str, float]) -> dict[str, float]:
        bad = {k: x for k, x in v.items() if not math.isfinite(x)}
        if bad:
            raise ValueError(f"parameters must be finite numbers, got {bad}")
        return v

    @model_validator(mode="after")
    def _exists(self) -> SystemRef:
        self.build()  # unknown names / parameters fail here, before any work
        return self

    @property
    def key(self) -> str:
        """Group name in the dataset store: the system name, plus dim/params when overridden."""
        parts = [self.name] + ([f"d{self.dim}"] if self.dim else [])
        parts += [f"{k}{v:g}" for k, v in sorted(self.params.items())]
        return _check_name("-".join(parts), "system key")

    def build(self):  # -> System (import kept local: specs load without the catalog cost)
        from chaosflow.systems import get_system

        kw: dict[str, Any] = dict(self.params)
        if self.dim is not None:
            kw["dim"] = self.dim
        try:
            return get_system(self.name, **kw)
        except KeyError as exc:
            raise ValueError(str(exc)) from None
        except TypeError as exc:
            raise ValueError(f"system {self.name!r} does not accept {sorted(kw)}: {exc}") from None


def _system_ref(v: Any) -> Any:
    return {"name": v} if isinstance(v, str) else v


class DatasetSpec(_Frozen):
    """Trajectories to generate: systems × (train, valid, test) initial conditions × time points."""

    name: str = "dataset"
    systems: list[Annotated[SystemRef, Field()]] = Field(min_length=1)
    n_train: PositiveInt = 16
    n_valid: Annotated[int, Field(ge=0)] = 0
    n_test: PositiveInt = 4
    n_points: Annotated[int, Field(ge=2)] = 2000
    dt: PositiveFloat | None = Field(None, description="output step; default: each system's")
    method: Literal["rk4", "dop853", "dopri5"] = "rk4"
    substeps: PositiveInt = 10
    shard_size: PositiveInt = Field(8, description="trajectories per work unit and Zarr chunk")
    seed: Annotated[int, Field(ge=0)] = 0

    _systems_from_str = field_validator("systems", mode="before")(
        classmethod(lambda cls, v: [_system_ref(s) for s in v] if isinstance(v, list) else v)
    )
    _name_ok = field_validator("name")(classmethod(lambda cls, v: _check_name(v, "dataset name")))

    @model_validator(mode="after")
    def _unique(self) -> DatasetSpec:
        keys = [s.key for s in self.systems]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"systems listed twice: {dupes}")
        return self

    @property
    def n_traj(self) -> int:
        return self.n_train + self.n_valid + self.n_test

    @property
    def id(self) -> str:
        """Store name: hashes every field but ``systems``, so adding a system to a spec adds a
        group to the same store and leaves the others' bytes alone (seeds are per system)."""
        core = self.model_dump(mode="json", exclude={"systems"})
        return f"{self.name}-{_hash_payload({'kind': 'DatasetSpec', **core})[:12]}"

    @property
    def system_keys(self) -> list[str]:
        return [s.key for s in self.systems]

    def system_config(self, ref: SystemRef) -> dict[str, Any]:
        """Everything that determines one system group's bytes (its cache key)."""
        core = self.model_dump(mode="json", exclude={"systems", "name"})
        return {"system": ref.model_dump(mode="json"), **core}


class ObservedDatasetSpec(_Frozen):
    """A dataset stored by ``chaosflow ingest FILE --name NAME`` (external, observed data)."""

    observed: str

    _name_ok = field_validator("observed")(
        classmethod(lambda cls, v: _check_name(v, "observed dataset name"))
    )

    @property
    def id(self) -> str:
        return observed_id(self.observed)

    @property
    def system_keys(self) -> list[str]:
        return [self.observed]

    @property
    def name(self) -> str:
        return self.observed


def observed_id(name: str) -> str:
    """Store name of an ingested dataset."""
    return f"observed-{_check_name(name, 'observed dataset name')}"


def _dataset_kind(v: Any) -> str:
    if isinstance(v, dict):
        return "observed" if "observed" in v else "generated"
    return "observed" if isinstance(v, ObservedDatasetSpec) else "generated"


AnyDatasetSpec = Annotated[
    Annotated[DatasetSpec, Tag("generated")] | Annotated[ObservedDatasetSpec, Tag("observed")],
    Discriminator(_dataset_kind),
]


class ModelSpec(_Frozen):
    """One model family with hyper-parameters."""

    name: str
    label: str | None = None
    hparams: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _known(cls, v: str) -> str:
        from chaosflow.models import MODELS

        if v not in MODELS:
            raise ValueError(f"unknown model {v!r}; known models: {sorted(MODELS)}")
        return v

    @property
    def key(self) -> str:
        return _check_name(self.label or self.name, "model label")


class TrainSpec(_Frozen):
    """Models × seeds to train on every system of a dataset."""

    models: list[ModelSpec] = Field(min_length=1)
    seeds: list[Annotated[int, Field(ge=0)]] = Field(default_factory=lambda: [0], min_length=1)
    config: dict[str, Any] = Field(default_factory=dict, description="TrainConfig overrides")
    max_train_points: PositiveInt | None = Field(
        None, description="use at most this many time points of each train trajectory"
    )

    _models_from_str = field_validator("models", mode="before")(
        classmethod(
            lambda cls, v: (
                [{"name": m} if isinstance(m, str) else m for m in v] if isinstance(v, list) else v
            )
        )
    )

    @model_validator(mode="after")
    def _unique(self) -> TrainSpec:
        keys = [m.key for m in self.models]
        if len(set(keys)) != len(keys):
            raise ValueError(f"model labels must be unique, got {keys}")
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds must be unique, got {self.seeds}")
        return self


class EvalSpec(_Frozen):
    """The evaluation protocol, recorded with every metric (D_stsp depends on the lengths)."""

    horizon: Annotated[int, Field(ge=2)] = 500
    n_generate: Annotated[int, Field(ge=10)] = 2000
    transient: Annotated[int, Field(ge=0)] = Field(
        0, description="generated steps dropped before long-term metrics (GTF: 0.25·T)"
    )
    eps: PositiveFloat = 0.4
    n_bins: Annotated[int, Field(ge=2)] = 30
    sigma: PositiveFloat = 20.0
    ground_truth: bool = True


class ClusterSpec(_Frozen):
    """Where tasks run: ``threads`` (no Dask), ``local`` (LocalCluster), ``address``, or a class."""

    kind: Literal["threads", "local", "address", "slurm", "kubernetes"] = "local"
    n_workers: PositiveInt = 2
    threads_per_worker: PositiveInt = 1
    address: str | None = None
    gpu_workers: Annotated[int, Field(ge=0)] = 0
    options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _address(self) -> ClusterSpec:
        if self.kind == "address" and not self.address:
            raise ValueError("cluster.kind 'address' needs cluster.address (tcp://host:port)")
        return self


class BenchmarkSpec(_Frozen):
    """generate → train → evaluate → aggregate → report."""

    dataset: AnyDatasetSpec
    train: TrainSpec
    evaluate: EvalSpec = Field(default_factory=EvalSpec)
    cluster: ClusterSpec = Field(default_factory=ClusterSpec)

    @model_validator(mode="after")
    def _lengths(self) -> BenchmarkSpec:
        ev, ds = self.evaluate, self.dataset
        if isinstance(ds, DatasetSpec):
            for field_name in ("horizon", "n_generate"):
                if getattr(ev, field_name) > ds.n_points:
                    raise ValueError(
                        f"evaluate.{field_name} = {getattr(ev, field_name)} exceeds "
                        f"dataset.n_points = {ds.n_points} (test trajectories are that long)"
                    )
        if ev.transient >= ev.n_generate:
            raise ValueError(
                f"evaluate.transient = {ev.transient} must be below n_generate = {ev.n_generate}"
            )
        return self


def _hash_payload(payload: dict[str, Any]) -> str:
    text = json.dumps({"version": SPEC_VERSION, **payload}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def spec_hash(spec: BaseModel | dict[str, Any]) -> str:
    """sha256 of the canonical JSON (sorted keys, fixed separators) plus the spec version."""
    if isinstance(spec, dict):
        return _hash_payload(spec)
    return _hash_payload({"kind": type(spec).__name__, **spec.model_dump(mode="json")})


def _format_error(exc: ValidationError, source: str) -> str:
    lines = [f"invalid spec {source}:"]
    for err in exc.errors():
        parts = [str(p) for p in err["loc"]]
        # Drop the union tag pydantic inserts after "dataset" (generated/observed).
        parts = [
            p
            for i, p in enumerate(parts)
            if not (i and parts[i - 1] == "dataset" and p in ("generated", "observed"))
        ]
        loc = ".".join(parts) or "<root>"
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(
            f"  {loc}: {msg}"
            + (
                f" (got {err['input']!r})"
                if "input" in err and not isinstance(err["input"], dict | list)
                else ""
            )
        )
    return "\n".join(lines)


def load_spec(source: str | Path | dict[str, Any], kind: type[_Frozen] = BenchmarkSpec) -> Any:
    """Load and validate a spec from a YAML/JSON file path or a dict; raise ``SpecError``."""
    if isinstance(source, dict):
        data, where = source, "<dict>"
    else:
        path = Path(source)
        if not path.is_file():
            raise SpecError(f"spec file {str(path)!r} does not exist")
        try:
            data = yaml.safe_load(path.read_text())
        except yaml.YAMLError as exc:
            raise SpecError(f"spec file {str(path)!r} is not valid YAML: {exc}") from None
        where = repr(str(path))
    if not isinstance(data, dict):
        raise SpecError(
            f"spec {where} must be a mapping at the top level, got {type(data).__name__}"
        )
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        raise SpecError(_format_error(exc, where)) from None


def default_spec() -> BenchmarkSpec:
    """The benchmark spec that ships with chaosflow (``chaosflow run`` without ``--spec``)."""
    text = resources.files("chaosflow.specs").joinpath("default.yaml").read_text()
    return load_spec(yaml.safe_load(text))
