"""Sweep files: read a TOML file that says which parameters to vary, how, and how often; check it.

A sweep file looks like this::

    name = "lever-screening"
    description = "Which levers matter? Morris screening at 1% scale."
    base = "strategic.toml"      # optional; relative to the sweep file or to scenarios/
    sampler = "morris"           # "grid" | "lhs" | "sobol" | "morris"
    samples = 64                 # N: rows for lhs, base samples for sobol, trajectories for morris
    num_levels = 4               # morris only: grid levels of the Morris design (default 4)
    second_order = false         # sobol only: also estimate second-order indices
    replicates = 2               # seeds seed, seed+1, ... shared by every parameter set
    seed = 1
    sample_seed = 1              # optional: seed of the sampler itself (default: seed)
    scale = 0.01

    [parameters]
    facilitation = { low = 0, high = 3 }                 # a range (lhs, sobol, morris)
    competence = { low = 0, high = 1, levels = 3 }       # grid: 3 evenly spaced values
    quality_assurance = { values = [0, 0.5, 1] }         # grid: listed values
    public_role = { values = ["driver", "enabler"] }     # grid: categorical values

Every parameter must exist in the parameter registry (levers and uncertainties; the run settings
``scale``, ``seed`` and ``replicates`` are top-level keys) and every range or value must lie within
the registry's bounds. Every problem raises
:class:`~simulation.experiments.sweep_errors.SweepFileError` naming the file, the key, what is
allowed and the nearest valid name.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulation.experiments.sweep_errors import SweepFileError, nearest
from simulation.safe_paths import UnsafePath, check_name_component, check_regular_file

__all__ = [
    "SAMPLERS",
    "ParameterSpec",
    "SweepFile",
    "load_sweep",
    "parse_sweep",
    "default_scenarios_dir",
]

#: The samplers a sweep file may name.
SAMPLERS = ("grid", "lhs", "sobol", "morris")
_RANGE_SAMPLERS = ("lhs", "sobol", "morris")

_TOP_KEYS = (
    "name",
    "description",
    "base",
    "sampler",
    "samples",
    "num_levels",
    "second_order",
    "replicates",
    "seed",
    "sample_seed",
    "scale",
    "parameters",
)
#: The largest sweep file read, in bytes.
MAX_SWEEP_BYTES = 1_000_000
_PARAM_KEYS = ("low", "high", "values", "levels")
_SETTINGS_AT_TOP = ("scale", "seed", "replicates")


@dataclass(frozen=True)
class ParameterSpec:
    """How one parameter is varied.

    Attributes:
        name: Registry name of the parameter.
        type: Registry type: ``"float"``, ``"int"``, ``"bool"`` or ``"choice"``.
        low: Lower end of the range, or ``None`` when values are listed.
        high: Upper end of the range, or ``None`` when values are listed.
        values: The listed values (grid), or ``None`` for a range.
        levels: Number of evenly spaced grid values over ``[low, high]`` (grid only), or ``None``.
    """

    name: str
    type: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None
    levels: int | None = None

    def grid_values(self) -> tuple[Any, ...]:
        """Return the values this parameter takes on a full grid."""
        if self.values is not None:
            return self.values
        assert self.low is not None and self.high is not None and self.levels is not None
        step = (self.high - self.low) / (self.levels - 1)
        raw = [self.low + i * step for i in range(self.levels)]
        raw[-1] = self.high
        if self.type == "int":
            return tuple(dict.fromkeys(int(round(v)) for v in raw))
        return tuple(float(v) for v in raw)


@dataclass(frozen=True)
class SweepFile:
    """A validated sweep file.

    Attributes:
        path: The file it was read from.
        name: Name of the sweep (default: the file name without ``.toml``).
        description: Free text.
        base: Resolved path of the base scenario, or ``None``.
        sampler: ``"grid"``, ``"lhs"``, ``"sobol"`` or ``"morris"``.
        samples: N for lhs, sobol and morris; ``None`` for grid.
        num_levels: Levels of the Morris design (morris only, else ``None``).
        second_order: Whether Sobol second-order indices are estimated (sobol only).
        replicates: Runs per parameter set; replicate ``r`` uses seed ``seed + r``.
        seed: First replicate seed.
        sample_seed: Seed of the sampler.
        scale: Fraction of residents simulated.
        parameters: The varied parameters, in file order.
        sha256: Hash of the file's bytes (provenance).
    """

    path: Path
    name: str
    description: str
    base: Path | None
    sampler: str
    samples: int | None
    num_levels: int | None
    second_order: bool
    replicates: int
    seed: int
    sample_seed: int
    scale: float
    parameters: dict[str, ParameterSpec] = field(default_factory=dict)
    sha256: str = ""

    @property
    def seeds(self) -> list[int]:
        """Return the replicate seeds ``seed, seed + 1, ...``."""
        return [self.seed + r for r in range(self.replicates)]


def default_scenarios_dir() -> Path:
    """Return the shipped ``scenarios/`` folder (see :func:`simulation.shipped.scenario_dir`)."""
    from simulation.shipped import scenario_dir

    return scenario_dir()


def load_sweep(
    path: str | Path,
    registry: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    scenarios_dir: str | Path | None = None,
) -> SweepFile:
    """Read and validate a sweep file.

    Args:
        path: The TOML file.
        registry: The parameters that may be varied, by name (objects with the attributes of
            :class:`simulation.inputs.registry.Parameter`), or a function returning them. Defaults
            to :func:`simulation.inputs.registry.registry`.
        scenarios_dir: Second place to look for the base scenario (default: ``scenarios/``).

    Returns:
        The validated sweep.

    Raises:
        SweepFileError: If the file is missing, not TOML, or not a valid sweep.
    """
    path = Path(path)
    try:
        check_regular_file(path, MAX_SWEEP_BYTES, "sweep file")  # devices and pipes never end
        raw = path.read_bytes()
    except UnsafePath as exc:
        if "not found" not in exc.reason:
            raise SweepFileError(path, exc.reason) from None
        hint = None
        if path.parent.is_dir():
            hint = nearest(path.name, [p.name for p in path.parent.glob("*.toml")])
        raise SweepFileError(path, "file not found", suggestion=hint) from None
    except FileNotFoundError:
        hint = None
        if path.parent.is_dir():
            hint = nearest(path.name, [p.name for p in path.parent.glob("*.toml")])
        raise SweepFileError(path, "file not found", suggestion=hint) from None
    except OSError as exc:
        raise SweepFileError(path, f"cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SweepFileError(path, f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SweepFileError(path, _toml_problem(exc, text)) from None
    except RecursionError:
        raise SweepFileError(
            path, "nested too deeply to read (arrays or tables within one another)"
        ) from None
    try:
        return parse_sweep(
            data,
            path,
            registry=registry,
            scenarios_dir=scenarios_dir,
            sha256=hashlib.sha256(raw).hexdigest(),
        )
    except RecursionError:
        raise SweepFileError(path, "nested too deeply to check") from None


def _toml_problem(exc: tomllib.TOMLDecodeError, text: str) -> str:
    message = str(exc)
    found = re.search(r"line (\d+)", message)
    if not found:
        return f"not valid TOML: {message}"
    number = int(found.group(1))
    lines = text.splitlines()
    shown = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    return f"not valid TOML at line {number}: {message}" + (
        f" (line {number}: {shown!r})" if shown else ""
    )


def parse_sweep(
    data: Mapping[str, Any],
    path: str | Path = "<sweep>",
    *,
    registry: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    scenarios_dir: str | Path | None = None,
    sha256: str = "",
) -> SweepFile:
    """Validate an already parsed sweep (a dict as read from TOML).

    Args:
        data: The parsed file.
        path: The file name used in error messages and to resolve ``base``.
        registry: As for :func:`load_sweep`.
        scenarios_dir: As for :func:`load_sweep`.
        sha256: Hash of the file's bytes, kept for provenance.

    Returns:
        The validated sweep.

    Raises:
        SweepFileError: If the sweep is not valid.
    """
    path = Path(path)
    reg = _resolve_registry(registry)

    def fail(problem: str, key: str | None = None, **kw: Any) -> SweepFileError:
        return SweepFileError(path, problem, key=key, **kw)

    for key in data:
        if key not in _TOP_KEYS:
            raise fail(
                "unknown key",
                key,
                allowed=", ".join(_TOP_KEYS),
                suggestion=nearest(key, _TOP_KEYS),
            )

    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        raise fail("must be a non-empty text", "name", allowed='a name such as "lever-screening"')
    try:  # the name becomes the default folder results/sweeps/<name>
        check_name_component(name, "the name")
    except UnsafePath as exc:
        raise fail(exc.reason, "name", allowed='a name such as "lever-screening"') from None
    description = data.get("description", "")
    if not isinstance(description, str):
        raise fail("must be text", "description")

    if "sampler" not in data:
        raise fail("missing", "sampler", allowed=_or_list(SAMPLERS))
    sampler = data["sampler"]
    if not isinstance(sampler, str) or sampler not in SAMPLERS:
        raise fail(
            f"unknown sampler {sampler!r}",
            "sampler",
            allowed=_or_list(SAMPLERS),
            suggestion=nearest(str(sampler), SAMPLERS),
        )

    samples: int | None = None
    if sampler in _RANGE_SAMPLERS:
        if "samples" not in data:
            raise fail(
                f"missing; sampler {sampler!r} needs N", "samples", allowed="a whole number >= 2"
            )
        samples = _whole(data["samples"], "samples", fail, minimum=2)
        if sampler == "sobol" and samples & (samples - 1):
            lower = 1 << (samples.bit_length() - 1)
            raise fail(
                f"{samples} is not a power of two (the Sobol' sequence needs one)",
                "samples",
                allowed=f"a power of two such as {lower} or {lower * 2}",
            )

    num_levels: int | None = None
    if "num_levels" in data:
        if sampler != "morris":
            raise fail(f"only used with sampler = 'morris', not {sampler!r}", "num_levels")
        num_levels = _whole(data["num_levels"], "num_levels", fail, minimum=2)
        if num_levels % 2:
            raise fail(
                f"{num_levels} is odd", "num_levels", allowed="an even whole number >= 2, e.g. 4"
            )
    elif sampler == "morris":
        num_levels = 4

    second_order = data.get("second_order", False)
    if not isinstance(second_order, bool):
        raise fail(
            f"{second_order!r} is not true or false", "second_order", allowed="true or false"
        )
    if "second_order" in data and sampler != "sobol" and second_order:
        raise fail(f"only used with sampler = 'sobol', not {sampler!r}", "second_order")

    replicates = _whole(data.get("replicates", 1), "replicates", fail, minimum=1)
    _setting_range(reg, "replicates", replicates, fail)
    seed = _whole(data.get("seed", 1), "seed", fail, minimum=0)
    _setting_range(reg, "seed", seed + replicates - 1, fail, shown=seed)
    sample_seed = _whole(data.get("sample_seed", seed), "sample_seed", fail, minimum=0)
    scale = data.get("scale", _setting_default(reg, "scale", 0.01))
    if not _is_number(scale) or scale <= 0:
        raise fail(
            f"{scale!r} is not a positive number", "scale", allowed=_setting_allowed(reg, "scale")
        )
    _setting_range(reg, "scale", float(scale), fail)

    base = _resolve_base(data.get("base"), path, scenarios_dir, fail)

    params_raw = data.get("parameters")
    if not isinstance(params_raw, Mapping) or not params_raw:
        raise fail(
            "missing or empty: name at least one parameter to vary",
            "parameters",
            allowed="a table such as [parameters] facilitation = { low = 0, high = 3 }",
        )
    params_raw = _dotted(params_raw, reg)  # prices.home_help_hour = {...} nests in TOML
    varied = {k: p for k, p in reg.items() if getattr(p, "kind", "lever") != "setting"}
    specs: dict[str, ParameterSpec] = {}
    for pname, spec in params_raw.items():
        specs[pname] = _parameter(pname, spec, sampler, reg, varied, fail)

    return SweepFile(
        path=path,
        name=name.strip(),
        description=description,
        base=base,
        sampler=sampler,
        samples=samples,
        num_levels=num_levels,
        second_order=bool(second_order) if sampler == "sobol" else False,
        replicates=replicates,
        seed=seed,
        sample_seed=sample_seed,
        scale=float(scale),
        parameters=specs,
        sha256=sha256,
    )


def _dotted(raw: Mapping[str, Any], reg: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten tables of dotted parameter names (uncertain numbers such as ``prices.x``)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        nested = isinstance(value, Mapping) and name not in reg
        if nested and any(str(n).startswith(name + ".") for n in reg):
            out.update(_dotted(value, reg, name + "."))
        else:
            out[name] = value
    return out


def _resolve_registry(
    registry: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None,
) -> Mapping[str, Any]:
    if registry is None:
        from simulation.inputs.registry import registry as project_registry

        return project_registry()
    if callable(registry):
        return registry()
    return registry


def _or_list(items: tuple[str, ...] | list[str]) -> str:
    quoted = [repr(i) for i in items]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value: Any, key: str, fail: Callable[..., SweepFileError], minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise fail(
            f"{value!r} is not a whole number >= {minimum}",
            key,
            allowed=f"a whole number >= {minimum}",
        )
    return value


def _setting_default(reg: Mapping[str, Any], name: str, fallback: Any) -> Any:
    param = reg.get(name)
    return param.default if param is not None else fallback


def _setting_allowed(reg: Mapping[str, Any], name: str) -> str:
    param = reg.get(name)
    return param.allowed() if param is not None else "a positive number"


def _setting_range(
    reg: Mapping[str, Any],
    name: str,
    value: float,
    fail: Callable[..., SweepFileError],
    shown: float | None = None,
) -> None:
    param = reg.get(name)
    if param is None or param.low is None or param.high is None:
        return
    if not param.low <= value <= param.high:
        what = value if shown is None else shown
        raise fail(f"{what!r} is out of range", name, allowed=param.allowed())


def _resolve_base(
    base: Any,
    path: Path,
    scenarios_dir: str | Path | None,
    fail: Callable[..., SweepFileError],
) -> Path | None:
    if base is None:
        return None
    if not isinstance(base, str) or not base.strip():
        raise fail(
            f"{base!r} is not a file name",
            "base",
            allowed='a scenario file such as "strategic.toml"',
        )
    folders = [path.parent, Path(scenarios_dir) if scenarios_dir else default_scenarios_dir()]
    for folder in folders:
        candidate = (folder / base).resolve()
        if candidate.exists() and not candidate.is_file():  # a folder, device or named pipe
            try:
                check_regular_file(candidate, MAX_SWEEP_BYTES, "scenario file")
            except UnsafePath as exc:
                raise fail(exc.reason, "base", allowed="a scenario file") from None
        if candidate.is_file():
            return candidate
    known = sorted({p.name for folder in folders if folder.is_dir() for p in folder.glob("*.toml")})
    raise fail(
        f"scenario file {base!r} not found in {' or '.join(str(f) for f in folders)}",
        "base",
        allowed=", ".join(known) if known else "a scenario file in scenarios/",
        suggestion=nearest(base, known),
    )


def _parameter(
    name: str,
    spec: Any,
    sampler: str,
    reg: Mapping[str, Any],
    varied: Mapping[str, Any],
    fail: Callable[..., SweepFileError],
) -> ParameterSpec:
    key = f"parameters.{name}"
    if name in _SETTINGS_AT_TOP and name in reg:
        raise fail(
            f"{name!r} is a run setting, not a parameter to vary",
            key,
            allowed=f"a top-level key {name} = ...",
        )
    if name not in varied:
        raise fail(
            "unknown parameter",
            key,
            allowed="the levers and uncertainties of the parameter registry (python run.py list)",
            suggestion=nearest(name, varied),
        )
    param = varied[name]
    if not isinstance(spec, Mapping):
        raise fail(
            f"{spec!r} is not a range or a list of values",
            key,
            allowed="{ low = ..., high = ... } or { values = [...] }",
        )
    for sub in spec:
        if sub not in _PARAM_KEYS:
            raise fail(
                "unknown key",
                f"{key}.{sub}",
                allowed=", ".join(_PARAM_KEYS),
                suggestion=nearest(sub, _PARAM_KEYS),
            )
    has_range = "low" in spec or "high" in spec
    if has_range and "values" in spec:
        raise fail("give either low/high or values, not both", key)
    if not has_range and "values" not in spec:
        raise fail(
            "neither a range nor values",
            key,
            allowed="{ low = ..., high = ... } or { values = [...] }",
        )

    typ = param.type
    if sampler in _RANGE_SAMPLERS:
        if typ in ("bool", "choice"):
            raise fail(
                f"{typ} parameter {name!r} cannot be sampled by {sampler!r}: it has no range",
                key,
                allowed="numeric parameters only; vary categorical ones with "
                "sampler = 'grid' and values = [...]",
            )
        if "values" in spec:
            raise fail(
                f"sampler {sampler!r} needs a range, not a list of values",
                key,
                allowed=f"{{ low = ..., high = ... }} within {param.allowed()}; "
                "values = [...] is for sampler = 'grid'",
            )
        if "levels" in spec:
            raise fail(
                f"levels is only used with sampler = 'grid', not {sampler!r}", f"{key}.levels"
            )

    if "values" in spec:
        return ParameterSpec(name=name, type=typ, values=_values(spec["values"], param, key, fail))

    low, high = _range(spec, param, key, fail)
    levels = None
    if sampler == "grid":
        if "levels" not in spec:
            raise fail(
                "a grid needs values or a number of levels for a range",
                key,
                allowed="{ values = [...] } or { low = ..., high = ..., levels = 3 }",
            )
        levels = _whole(spec["levels"], f"{key}.levels", fail, minimum=2)
    return ParameterSpec(name=name, type=typ, low=low, high=high, levels=levels)


def _range(
    spec: Mapping[str, Any], param: Any, key: str, fail: Callable[..., SweepFileError]
) -> tuple[float, float]:
    if param.type in ("bool", "choice"):
        raise fail(
            f"{param.type} parameter has no range",
            key,
            allowed=f"values = [...] with {param.allowed()}",
        )
    for end in ("low", "high"):
        if end not in spec:
            raise fail("missing", f"{key}.{end}", allowed=param.allowed())
        value = spec[end]
        if not _is_number(value):
            raise fail(f"{value!r} is not a number", f"{key}.{end}", allowed=param.allowed())
        if param.type == "int" and not float(value).is_integer():
            raise fail(f"{value!r} is not a whole number", f"{key}.{end}", allowed=param.allowed())
        if (param.low is not None and value < param.low) or (
            param.high is not None and value > param.high
        ):
            raise fail(f"{value!r} is out of range", f"{key}.{end}", allowed=param.allowed())
    low, high = float(spec["low"]), float(spec["high"])
    if not low < high:
        raise fail(
            f"low ({spec['low']!r}) must be below high ({spec['high']!r})",
            key,
            allowed=param.allowed(),
        )
    return low, high


def _values(
    values: Any, param: Any, key: str, fail: Callable[..., SweepFileError]
) -> tuple[Any, ...]:
    key = f"{key}.values"
    if not isinstance(values, list) or not values:
        raise fail(
            f"{values!r} is not a non-empty list", key, allowed=f"[...] with {param.allowed()}"
        )
    out: list[Any] = []
    for value in values:
        if param.type == "bool":
            if not isinstance(value, bool):
                raise fail(f"{value!r} is not true or false", key, allowed=param.allowed())
            out.append(value)
        elif param.type == "choice":
            if not isinstance(value, str) or value not in param.choices:
                raise fail(
                    f"{value!r} is not allowed",
                    key,
                    allowed=param.allowed(),
                    suggestion=nearest(str(value), param.choices),
                )
            out.append(value)
        else:
            if not _is_number(value):
                raise fail(f"{value!r} is not a number", key, allowed=param.allowed())
            if param.type == "int" and not float(value).is_integer():
                raise fail(f"{value!r} is not a whole number", key, allowed=param.allowed())
            if (param.low is not None and value < param.low) or (
                param.high is not None and value > param.high
            ):
                raise fail(f"{value!r} is out of range", key, allowed=param.allowed())
            out.append(int(value) if param.type == "int" else float(value))
    if len(set(out)) != len(out):
        raise fail(f"{values!r} lists a value twice", key)
    return tuple(out)
