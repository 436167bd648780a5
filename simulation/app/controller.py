"""The classroom app's state: one scenario run beside its baseline, a year at a time.

:class:`ClassroomController` holds the pair of models (the chosen scenario with the levers the
class set, and the baseline with every lever off, on the same seed: common random numbers, so
the difference between them is the levers' doing and not chance), steps them one year at a
time, and gives the small national and municipal series the app draws. It knows nothing of
Solara, so it is tested without a browser, and the page (:mod:`simulation.app.page`) only calls
it and draws what it returns (:mod:`simulation.app.charts`).

Levers act from 2026: changing one, the scenario, the sample or the seed starts the run again
(the models are rebuilt lazily, at the next step, so dragging a slider costs nothing). The
baseline is kept while its settings are unchanged, so only the scenario is re-run. The series
of the run before the last change is kept as the "previous run" for comparison.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from simulation.constants import AREAS, BASE_YEAR
from simulation.economy.present_value import DEFAULT_DISCOUNT_RATE, payback_year, present_value
from simulation.inputs.geography import municipalities as municipality_table
from simulation.inputs.registry import Parameter, levers, uncertainties
from simulation.model import WelfareModel
from simulation.runs.simulate import scenario_parameters
from simulation.scenario import SCENARIO_DIR, Scenario, load_scenario

__all__ = [
    "SCENARIOS",
    "DEFAULT_SCENARIO",
    "DEFAULT_SCALE",
    "SCALES",
    "BASELINE",
    "STAGES",
    "FollowedInitiative",
    "ClassroomController",
]

#: Scenarios offered in the app, in menu order.
SCENARIOS = ("classroom", "baseline", "patchwork", "strategic")
DEFAULT_SCENARIO = "classroom"
#: The app's default sample: 0.5% of residents (about 30,000 simulated citizens).
DEFAULT_SCALE = 0.005
#: Samples offered in the app.
SCALES = (0.002, 0.005, 0.01)
BASELINE = "baseline"
#: Stages of an active initiative, in the order they are drawn.
STAGES = ("pilot", "running", "scaled")

_NET = "net_cost_dkk"


@dataclass
class FollowedInitiative:
    """An initiative that reached the followed citizen.

    Attributes:
        agent: the :class:`~simulation.actors.initiatives.Initiative` agent (its ``stage`` and
            ``measured_effect`` keep changing as the run goes on).
        years: the years in which it reached the citizen.
    """

    agent: Any
    years: list[int]


class ClassroomController:
    """A scenario run and its baseline run, stepped together for the classroom app.

    Args:
        scenario: one of :data:`SCENARIOS` (a file in ``scenarios/``).
        scale: fraction of residents simulated (default :data:`DEFAULT_SCALE`, whatever the
            scenario file says: the app must be fast).
        seed: seed of both runs (default: the scenario's).
        end_year: last simulated year (default: the scenario's, 2050).

    Attributes:
        scenario_name: the chosen scenario.
        lever_overrides: levers the class changed, by name (they apply to every unit).
        uncertainty_overrides: uncertainties the class changed, by name.
        scale: fraction of residents simulated.
        seed: seed of both runs.
        end_year: last simulated year.
        step_seconds: wall time of each simulated year of the current run (both models).
        previous: the national net cost of the run before the last change (``years``,
            ``values``, ``label``), or ``None``.
        version: a counter that changes whenever anything shown changes (for the page).
        settings_version: a counter that changes when the scenario, a lever, an uncertainty,
            the sample or the seed changes (the run restarts).
        lock: held while the models change or are read; the page's play loop steps in a
            thread while the page draws.
    """

    def __init__(
        self,
        scenario: str = DEFAULT_SCENARIO,
        *,
        scale: float = DEFAULT_SCALE,
        seed: int | None = None,
        end_year: int | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.scale = float(scale)
        self.lever_overrides: dict[str, Any] = {}
        self.uncertainty_overrides: dict[str, Any] = {}
        self.step_seconds: list[float] = []
        self.previous: dict[str, Any] | None = None
        self.version = 0
        self.settings_version = 0
        self._model: WelfareModel | None = None
        self._baseline: WelfareModel | None = None
        self._baseline_key: tuple | None = None
        self._stages: dict[int, dict[str, int]] = {}
        self._followed: int | None = None
        self._followed_initiatives: dict[int, FollowedInitiative] = {}
        self._reach_years: dict[int, set[str]] = {}
        self._picks = 0
        self._load(scenario)
        self.seed = int(seed) if seed is not None else int(self._file.seed)
        self.end_year = int(end_year) if end_year is not None else int(self._file.end_year)

    # ------------------------------------------------------------------ configuration
    def _load(self, name: str) -> None:
        if name not in SCENARIOS:
            raise ValueError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}")
        self.scenario_name = name
        self._file: Scenario = load_scenario(SCENARIO_DIR / f"{name}.toml")

    @property
    def scenario(self) -> Scenario:
        """The scenario as run: the file, the app's sample and seed, and the class's changes."""
        s = self._file.with_settings(scale=self.scale, seed=self.seed, end_year=self.end_year)
        if self.lever_overrides:
            s = s.with_levers(**self.lever_overrides)
        if self.uncertainty_overrides:
            s = s.with_uncertainties(**self.uncertainty_overrides)
        return s

    def baseline_scenario(self) -> Scenario:
        """The baseline as run: every lever off, the scenario's uncertainties and places."""
        s = self.scenario
        base = load_scenario(SCENARIO_DIR / f"{BASELINE}.toml")
        base = base.with_settings(scale=self.scale, seed=self.seed, end_year=self.end_year)
        base = base.with_uncertainties(**s.uncertainties)
        if s.municipalities is not None:
            base = base.with_places(s.municipalities)
        return base

    def choose_scenario(self, name: str) -> None:
        """Switch to another scenario; the class's lever changes are dropped, the run restarts.

        Args:
            name: one of :data:`SCENARIOS`.

        Raises:
            ValueError: for an unknown scenario.
        """
        with self.lock:
            label = self._run_label()
            self._load(name)
            self.lever_overrides = {}
            self.reset(previous_label=label)

    def set_lever(self, name: str, value: Any) -> None:
        """Set one lever for every unit (drops the scenario's variation of it); restarts the run.

        Args:
            name: a lever of the registry.
            value: its new value (checked against the registry's range).

        Raises:
            ValueError: for an unknown lever or a value that is not allowed (a
                :class:`~simulation.scenario.ScenarioError`).
        """
        with self.lock:
            if name not in levers():
                raise ValueError(f"unknown lever {name!r}; levers: {', '.join(levers())}")
            value = _coerce(levers()[name], value)
            if self.lever_value(name) == value and name not in self.variation:
                return
            self._file.with_levers(**{name: value})  # check now, with the file's message
            label = self._run_label()
            self.lever_overrides[name] = value
            self.reset(previous_label=label)

    def set_uncertainty(self, name: str, value: Any) -> None:
        """Set one uncertainty for both runs; restarts the run (and the baseline).

        Raises:
            ValueError: for an unknown uncertainty or a value that is not allowed.
        """
        with self.lock:
            if name not in uncertainties():
                raise ValueError(
                    f"unknown uncertainty {name!r}; uncertainties: {', '.join(uncertainties())}"
                )
            value = _coerce(uncertainties()[name], value)
            if self.uncertainty_value(name) == value:
                return
            self._file.with_uncertainties(**{name: value})
            label = self._run_label()
            self.uncertainty_overrides[name] = value
            self.reset(previous_label=label)

    def restore(self) -> None:
        """Drop the class's lever and uncertainty changes (back to the scenario file)."""
        with self.lock:
            if not self.lever_overrides and not self.uncertainty_overrides:
                return
            label = self._run_label()
            self.lever_overrides = {}
            self.uncertainty_overrides = {}
            self.reset(previous_label=label)

    def set_sample(self, scale: float | None = None, seed: int | None = None) -> None:
        """Change the sample size or the seed (both runs restart; the followed citizen is let go).

        Raises:
            ValueError: for a scale outside (0, 1] or a negative seed.
        """
        with self.lock:
            scale = self.scale if scale is None else float(scale)
            seed = self.seed if seed is None else int(seed)
            if not 0 < scale <= 1:
                raise ValueError(f"scale must be in (0, 1], got {scale}")
            if seed < 0:
                raise ValueError(f"seed must be 0 or more, got {seed}")
            if (scale, seed) == (self.scale, self.seed):
                return
            self.scale, self.seed = scale, seed
            self._followed = None
            self.previous = None
            self.reset()

    def lever_value(self, name: str) -> Any:
        """The national value of a lever as run (for a varying lever: the file's value)."""
        return self.lever_overrides.get(name, self._file.levers[name])

    def uncertainty_value(self, name: str) -> Any:
        """The value of an uncertainty as run."""
        return self.uncertainty_overrides.get(name, self._file.uncertainties[name])

    @property
    def variation(self) -> dict[str, dict[str, Any]]:
        """Levers that vary from unit to unit in the scenario as run (patchwork)."""
        return dict(self.scenario.variation)

    # ------------------------------------------------------------------ the runs
    def _baseline_settings(self) -> tuple:
        s = self.baseline_scenario()
        return (
            s.settings["scale"],
            s.settings["seed"],
            s.settings["end_year"],
            s.municipalities,
            tuple(sorted(s.uncertainties.items())),
        )

    @staticmethod
    def _build(scenario: Scenario, name: str) -> WelfareModel:
        return WelfareModel(
            scenario_parameters(scenario),
            scale=float(scenario.settings["scale"]),
            seed=int(scenario.settings["seed"]),
            municipalities=scenario.municipalities,
            end_year=int(scenario.settings["end_year"]),
            scenario=name,
            lever_source=scenario,
        )

    @property
    def model(self) -> WelfareModel:
        """The scenario's model (built on first use)."""
        with self.lock:
            if self._model is None:
                self._model = self._build(self.scenario, self.scenario_name)
                if self._followed is not None:
                    if self._model.citizens.citizen(self._followed) is None:
                        self._followed = None
                    else:
                        self._model.citizens.follow(self._followed)
            return self._model

    @property
    def baseline(self) -> WelfareModel:
        """The baseline's model (built on first use; kept while its settings are unchanged)."""
        with self.lock:
            key = self._baseline_settings()
            if self._baseline is None or key != self._baseline_key:
                self._baseline = self._build(self.baseline_scenario(), BASELINE)
                self._baseline_key = key
            return self._baseline

    def _run_label(self) -> str:
        changed = {**self.lever_overrides, **self.uncertainty_overrides}
        text = ", ".join(f"{k}={v}" for k, v in changed.items())
        return self.scenario_name + (f" ({text})" if text else "")

    def reset(self, previous_label: str | None = None) -> None:
        """Start the run again from 2026 (the models are rebuilt at the next step).

        Args:
            previous_label: if given and the run had simulated years, its national net cost is
                kept as :attr:`previous` under this label.
        """
        with self.lock:
            if previous_label is not None and self.n_years:
                self.previous = {
                    "years": self.years.copy(),
                    "values": self.national(_NET).copy(),
                    "label": previous_label,
                }
            self._model = None
            self._stages = {}
            self.step_seconds = []
            self._followed_initiatives = {}
            self._reach_years = {}
            self.version += 1
            self.settings_version += 1

    @property
    def year(self) -> int:
        """The next year to simulate (2026 before the first step)."""
        return self._model.year if self._model is not None else BASE_YEAR

    @property
    def running(self) -> bool:
        """Whether there are years left to simulate."""
        return self.year <= self.end_year

    @property
    def n_years(self) -> int:
        """Number of simulated years."""
        return self.year - BASE_YEAR

    @property
    def years(self) -> np.ndarray:
        """The simulated years."""
        return np.arange(BASE_YEAR, self.year)

    def step(self) -> float:
        """Simulate one more year of both runs; return the wall time in seconds (0 at the end)."""
        with self.lock:
            if not self.running:
                return 0.0
            start = time.perf_counter()
            model = self.model
            year = model.year
            baseline = self.baseline
            while baseline.running and baseline.year <= year:
                baseline.step()
            model.step()
            self._record(year)
            seconds = time.perf_counter() - start
            self.step_seconds.append(seconds)
            self.version += 1
            return seconds

    def run(self, years: int | None = None) -> None:
        """Simulate ``years`` more years (default: to the end year)."""
        n = self.end_year - self.year + 1 if years is None else int(years)
        for _ in range(max(n, 0)):
            if not self.running:
                break
            self.step()

    def _record(self, year: int) -> None:
        counts = dict.fromkeys(STAGES, 0)
        for ini in self._model.strategy.initiatives:
            if ini.stage in counts:
                counts[ini.stage] += 1
        self._stages[year] = counts
        self._note_reach(year + 1)

    def _note_reach(self, year: int) -> None:
        """Note the initiatives that reach the followed citizen in ``year`` (the coming year)."""
        if self._followed is None or self._model is None:
            return
        active = {ini.initiative_id: ini for ini in self._model.strategy.initiatives}
        areas: set[str] = set()
        for area, ini_id in _reaching(self._model, self._followed):
            areas.add(area)
            known = self._followed_initiatives.get(ini_id)
            if known is None and ini_id in active:
                known = FollowedInitiative(active[ini_id], [])
                self._followed_initiatives[ini_id] = known
            if known is not None and year not in known.years:
                known.years.append(year)
        self._reach_years[year] = areas

    @property
    def n_citizens(self) -> int | None:
        """Simulated citizens alive in the scenario's run now (``None`` before it is built)."""
        return len(self._model.citizens) if self._model is not None else None

    @property
    def seconds_per_year(self) -> float | None:
        """Mean wall time of a simulated year in this run (``None`` before the first)."""
        return float(np.mean(self.step_seconds)) if self.step_seconds else None

    # ------------------------------------------------------------------ series for the figures
    def _model_of(self, which: str) -> WelfareModel | None:
        if which == "scenario":
            return self._model
        if which == BASELINE:
            return self._baseline
        raise ValueError(f"which must be 'scenario' or 'baseline', got {which!r}")

    def _rows(self, model: WelfareModel | None, metric: str, area: Any) -> np.ndarray:
        """(years so far, municipalities) of one metric; ``area="all"`` sums every key."""
        n = self.n_years
        if model is None or n == 0:
            return np.zeros((n, len(self.codes)))
        results = model.results
        if area == "all":
            keys = [k for k in results.keys() if k[0] == metric]  # noqa: SIM118 (not a dict)
            total = np.zeros((n, len(self.codes)))
            for key in keys:
                total += results.get(*key)[:n]
            return total
        return results.get(metric, area)[:n].copy()

    def national(self, metric: str, area: Any = "all", which: str = "scenario") -> np.ndarray:
        """National total of a metric per simulated year.

        Args:
            metric: a metric of ``data/metrics.csv``.
            area: a welfare area, ``None`` (the part booked to no area), or ``"all"`` (every
                area and the unbooked part together).
            which: ``"scenario"`` or ``"baseline"``.
        """
        with self.lock:
            return self._rows(self._model_of(which), metric, area).sum(axis=1)

    def by_area(self, metric: str, which: str = "scenario") -> dict[str | None, np.ndarray]:
        """National totals per year for every welfare area and for ``None`` (no area)."""
        with self.lock:
            model = self._model_of(which)
            return {a: self._rows(model, metric, a).sum(axis=1) for a in (*AREAS, None)}

    def municipal(self, metric: str = _NET, which: str = "scenario") -> np.ndarray:
        """(simulated years, 98 municipalities) of a metric summed over areas."""
        with self.lock:
            return self._rows(self._model_of(which), metric, "all")

    def stages(self) -> dict[str, np.ndarray]:
        """Active initiatives by stage at the end of each simulated year."""
        with self.lock:
            return {
                s: np.array([self._stages.get(int(y), {}).get(s, 0) for y in self.years])
                for s in STAGES
            }

    def tile_table(self) -> pd.DataFrame:
        """A small tidy table (net cost by municipality, first and last year, both runs).

        Shaped like the model's output table, for :func:`simulation.report.figures.tile_map`.
        """
        with self.lock:
            if self.n_years == 0:
                raise ValueError("no simulated year yet")
            first, last = BASE_YEAR, self.year - 1
            rows = []
            sim = self._simulated
            for which, name in (("scenario", self.scenario_name), (BASELINE, BASELINE)):
                values = self.municipal(_NET, which)
                for year in sorted({first, last}):
                    rows.append(
                        pd.DataFrame(
                            {
                                "scenario": name,
                                "replicate": 0,
                                "seed": self.seed,
                                "year": year,
                                "municipality": self.codes[sim],
                                "region": self.regions[sim],
                                "area": pd.NA,
                                "metric": _NET,
                                "value": values[year - BASE_YEAR][sim],
                            }
                        )
                    )
            out = pd.concat(rows, ignore_index=True)
            out["area"] = out["area"].astype("string")
            return out

    # ------------------------------------------------------------------ geography
    @property
    def codes(self) -> np.ndarray:
        """Municipality codes in model order (sorted)."""
        return _geo()["code"].to_numpy()

    @property
    def regions(self) -> np.ndarray:
        """Region code of each municipality in model order."""
        return _geo()["region_code"].to_numpy()

    @property
    def names(self) -> list[str]:
        """Municipality names in model order."""
        return _geo()["name"].tolist()

    @property
    def _simulated(self) -> np.ndarray:
        chosen = self.scenario.municipalities
        if chosen is None:
            return np.ones(len(self.codes), dtype=bool)
        return np.isin(self.codes, chosen)

    def municipality_name(self, index: int) -> str:
        """Name of the municipality at model index ``index``."""
        return self.names[int(index)]

    # ------------------------------------------------------------------ following a citizen
    def follow(self, municipality: int, age: int) -> int | None:
        """Pick a citizen of about ``age`` living in ``municipality`` now and follow them.

        The pick uses its own random generator (seeded by the run's seed and a counter), so
        following someone never changes the simulation.

        Args:
            municipality: municipality code (3 digits).
            age: wanted age; the nearest age present in the municipality is taken.

        Returns:
            The citizen's person id, or ``None`` if nobody lives there in the sample.

        Raises:
            ValueError: for an unknown municipality code.
        """
        with self.lock:
            where = np.flatnonzero(self.codes == int(municipality))
            if not len(where):
                raise ValueError(f"unknown municipality code {municipality!r}")
            c = self.model.citizens
            rows = np.flatnonzero(c.municipality == where[0])
            if not len(rows):
                return None
            gap = np.abs(c.age[rows].astype(int) - int(age))
            rows = rows[gap == gap.min()]
            rng = np.random.default_rng([self.seed, self._picks])
            self._picks += 1
            pid = int(c.pid[rows[rng.integers(len(rows))]])
            self._followed = pid
            self._followed_initiatives = {}
            self._reach_years = {}
            c.follow(pid)
            self._note_reach(self.year)
            self.version += 1
            return pid

    @property
    def followed(self) -> int | None:
        """Person id of the followed citizen, or ``None``."""
        return self._followed

    def life_course(self) -> list[dict[str, Any]]:
        """The followed citizen's yearly records (state on 1 January; see ``CitizenSet.follow``)."""
        with self.lock:
            if self._followed is None:
                return []
            return [dict(r) for r in self.model.citizens.follow(self._followed)]

    def reached_areas(self, year: int) -> set[str]:
        """Welfare areas in which an initiative reaches the followed citizen in ``year``."""
        return set(self._reach_years.get(int(year), set()))

    def followed_initiatives(self) -> list[FollowedInitiative]:
        """The initiatives that reached the followed citizen, in order of first reach."""
        with self.lock:
            return sorted(self._followed_initiatives.values(), key=lambda f: f.years[0])

    # ------------------------------------------------------------------ key figures
    def key_figures(self) -> dict[str, float]:
        """Headline numbers of the last simulated year (empty before the first step).

        Keys: ``net_cost`` and ``baseline_net_cost`` (DKK, last year), ``difference`` (DKK,
        scenario minus baseline cumulated over the simulated years), ``difference_pct``,
        ``volunteers``, ``jobs`` (marginalised citizens employed) and ``initiatives``
        (running at the end of the last year); and the economic account against the baseline
        (:mod:`simulation.economy.present_value`): ``pv_saving`` and
        ``pv_saving_municipality``, the present value in 2026 of the net saving (baseline net
        cost less the scenario's; positive = the scenario saves) over the simulated years, of
        all public budgets and of the municipalities, at the scenario's discount rate, and
        ``payback_year`` and ``payback_municipality``, the first year from which the cumulated
        net saving stays positive (NaN: not by the last simulated year).
        """
        with self.lock:
            if self.n_years == 0:
                return {}
            net = self.national(_NET)
            base = self.national(_NET, which=BASELINE)
            stages = self.stages()
            cumulated = float(net.sum() - base.sum())
            rate = float(self.scenario.uncertainties.get("discount_rate", DEFAULT_DISCOUNT_RATE))
            years = self.years
            total = pd.Series(base - net, index=years)
            own = pd.Series(
                self._payer_net("municipality", BASELINE) - self._payer_net("municipality"),
                index=years,
            )
            paid, paid_own = payback_year(total), payback_year(own)
            return {
                "pv_saving": present_value(total, rate),
                "pv_saving_municipality": present_value(own, rate),
                "payback_year": float(paid) if paid is not None else float("nan"),
                "payback_municipality": float(paid_own) if paid_own is not None else float("nan"),
                "net_cost": float(net[-1]),
                "baseline_net_cost": float(base[-1]),
                "difference": cumulated,
                "difference_pct": 100.0 * cumulated / float(base.sum()) if base.sum() else 0.0,
                "volunteers": float(self.national("volunteers")[-1]),
                "jobs": float(self.national("marginalised_employed")[-1]),
                "initiatives": float(sum(v[-1] for v in stages.values())),
            }

    def _payer_net(self, payer: str, which: str = "scenario") -> np.ndarray:
        """National public cost plus lever cost of one payer per simulated year (DKK)."""
        return self.national(f"public_cost_{payer}_dkk", which=which) + self.national(
            f"lever_cost_{payer}_dkk", which=which
        )


def _reaching(model: WelfareModel, pid: int) -> list[tuple[str, int]]:
    """(area, initiative id) of the initiatives that reach citizen ``pid`` in the coming year."""
    strategy = model.strategy
    if hasattr(strategy, "initiatives_reaching"):
        return [(r["area"], int(r["initiative"])) for r in strategy.initiatives_reaching(pid)]
    state = model.citizens.citizen(pid) or {}
    reached = state.get("reached") or []
    return [(AREAS[j], int(i)) for j, i in enumerate(reached) if int(i) >= 0]


def _coerce(param: Parameter, value: Any) -> Any:
    """Convert a value from a widget to the parameter's type (ranges are checked later)."""
    if param.type == "bool":
        return bool(value)
    if param.type == "int":
        return int(round(float(value)))
    if param.type == "float":
        return float(value)
    return str(value)


@cache
def _geo() -> pd.DataFrame:
    return municipality_table()
