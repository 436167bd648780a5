"""Sensitivity analysis of a finished sweep: Sobol and Morris indices (SALib), a per-set summary.

Choices, stated once:

- **Replicates are averaged first.** Each parameter set's outcome is the mean over its
  replicates (which share seeds across sets: common random numbers), so the indices describe the
  expected outcome and the replicate noise does not pose as a parameter effect. A set counts only
  if *every* replicate succeeded: averaging over fewer seeds in some sets would break the common
  random numbers.
- **Failed runs are not imputed.** SALib needs complete design units, so whole units are dropped:
  for Sobol a *base sample* (its A, B, AB_i and BA_i rows, one block of D+2 or 2D+2 sets), for
  Morris a *trajectory* (D+1 sets). Both are independent units of their estimators, so the
  indices stay valid estimates from fewer samples, but they then describe the model where it runs,
  which is biased if failures cluster in one region. Every dropped unit is counted in the tables
  (``dropped``) and in a warning. With ``drop_failed=False``, or when nothing is left, a
  :class:`~simulation.experiments.sweep_errors.SensitivityError` says how many runs failed.
- A sweep with runs not yet done (interrupted) is refused: resume it first.
- The ``second_order`` flag and Morris ``num_levels`` are read from the sweep's manifest, the
  values the design was sampled with (SALib gives silently wrong indices when they differ).
- Bootstrap confidence intervals (``*_conf``, half-widths at ``conf_level``) use a generator
  seeded from the sweep seed, so an analysis is reproducible.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments import store
from simulation.experiments.sweep_errors import SensitivityError, nearest

__all__ = [
    "SweepData",
    "load_results",
    "set_means",
    "summary",
    "sobol_indices",
    "morris_indices",
    "analyse",
]


class SweepData:
    """A finished sweep read from its folder.

    Attributes:
        out: The sweep folder.
        manifest: ``manifest.json``.
        design: The parameter sets (``set_id`` and one column per parameter).
        matrix: The sampler's raw matrix, or ``None``.
        plan: Every planned run (``set_id``, ``replicate``, ``seed``, ``key``).
        runs: The collected run rows (:func:`simulation.experiments.store.collect`).
        parameters: The varied parameter names.
        outcomes: The outcome columns found in the runs.
    """

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        manifest = store.read_manifest(self.out)
        if manifest is None:
            raise SensitivityError(f"{self.out}: no manifest.json; is this a sweep folder?")
        self.manifest: dict[str, Any] = manifest
        self.design = store.read_frame(self.out / store.DESIGN)
        matrix_path = self.out / store.DESIGN_MATRIX
        self.matrix = store.load_matrix(matrix_path) if matrix_path.is_file() else None
        self.plan = store.read_frame(self.out / store.PLAN)
        self.runs = store.collect(self.out)
        self.parameters = [c for c in self.design.columns if c != "set_id"]
        skip = set(store.RESERVED) | set(self.parameters)
        self.outcomes = [
            c
            for c in self.runs.columns
            if c not in skip and pd.api.types.is_numeric_dtype(self.runs[c])
        ]

    @property
    def sampler(self) -> str:
        """Return the sampler named in the manifest."""
        return str(
            self.manifest.get("design", {}).get("sampler", self.manifest.get("sampler", "custom"))
        )


def load_results(out: str | Path) -> SweepData:
    """Read a sweep folder (manifest, design, plan and collected runs)."""
    return SweepData(out)


def _choose_outcomes(data: SweepData, outcomes: Sequence[str] | None) -> list[str]:
    if outcomes is None:
        if not data.outcomes:
            raise SensitivityError(f"{data.out}: no outcome columns; did every run fail?")
        return list(data.outcomes)
    chosen = []
    for name in outcomes:
        if name not in data.outcomes:
            hint = nearest(name, data.outcomes)
            raise SensitivityError(
                f"{data.out}: unknown outcome {name!r}; allowed: {', '.join(data.outcomes)}"
                + (f". Did you mean {hint!r}?" if hint else "")
            )
        chosen.append(name)
    return chosen


def _joined(data: SweepData, outcomes: list[str]) -> pd.DataFrame:
    columns = ["key", "run_ok", *outcomes]
    runs = data.runs.reindex(columns=columns)
    joined = data.plan.merge(runs, on="key", how="left", validate="many_to_one")
    missing = int(joined["run_ok"].isna().sum())
    if missing:
        raise SensitivityError(
            f"{data.out}: {missing} of {len(joined)} planned runs are not done "
            f"(status {data.manifest.get('status')!r}); resume the sweep before analysing it"
        )
    return joined


def set_means(data: SweepData, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Return each parameter set's outcomes averaged over its replicates, in ``set_id`` order.

    An outcome of a set is NaN unless every replicate of the set succeeded with a finite value.

    Args:
        data: The sweep.
        outcomes: Outcome columns (default: all).

    Returns:
        ``set_id``, the outcomes, ``n_ok`` and ``n_failed`` (replicates).
    """
    names = _choose_outcomes(data, outcomes)
    joined = _joined(data, names)
    ok = joined["run_ok"].astype(int) == 1
    values = joined[names].astype(float).where(ok, np.nan)
    grouped = values.groupby(joined["set_id"])
    means = grouped.mean()
    complete = values.notna().groupby(joined["set_id"]).all()
    means = means.where(complete, np.nan)
    counts = ok.groupby(joined["set_id"]).agg(n_ok="sum", n_runs="size")
    out = means.join(counts)
    out["n_failed"] = out.pop("n_runs") - out["n_ok"]
    return out.reindex(data.design["set_id"]).reset_index()


def summary(data: SweepData, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Return a tidy per-set summary: mean, std, min and max of each outcome over good replicates.

    Failed replicates are left out and counted (``n_ok``, ``n_failed``); this table works for any
    sampler, including grids with failed runs.
    """
    names = _choose_outcomes(data, outcomes)
    joined = _joined(data, names)
    ok = joined["run_ok"].astype(int) == 1
    long = joined.loc[ok, ["set_id", *names]].melt(id_vars="set_id", var_name="outcome")
    stats = (
        long.groupby(["set_id", "outcome"])["value"]
        .agg(mean="mean", std="std", min="min", max="max", n_ok="count")
        .reset_index()
    )
    failed = (~ok).groupby(joined["set_id"]).sum().rename("n_failed").reset_index()
    grid = pd.MultiIndex.from_product([data.design["set_id"], names], names=["set_id", "outcome"])
    stats = stats.set_index(["set_id", "outcome"]).reindex(grid).reset_index()
    stats["n_ok"] = stats["n_ok"].fillna(0).astype(int)
    stats = stats.merge(failed, on="set_id", how="left")
    return data.design.merge(stats, on="set_id", how="right")


def _problem(data: SweepData) -> dict[str, Any]:
    bounds = data.manifest.get("design", {}).get("bounds", {})
    return {
        "num_vars": len(data.parameters),
        "names": list(data.parameters),
        "bounds": [list(bounds.get(n, (0.0, 1.0))) for n in data.parameters],
    }


def _analysis_seed(data: SweepData, seed: int | None) -> int:
    # SALib's Sobol analysis ignores a seed of 0 and then draws from NumPy's global state.
    chosen = int(data.manifest.get("seed", 1)) if seed is None else int(seed)
    return chosen if chosen > 0 else 1


def _keep_units(
    values: np.ndarray, unit: int, what: str, outcome: str, drop_failed: bool, data: SweepData
) -> tuple[np.ndarray, int]:
    units = values.reshape(-1, unit)
    ok = np.isfinite(units).all(axis=1)
    dropped = int((~ok).sum())
    if dropped:
        failed_runs = int((data.runs["run_ok"] == 0).sum()) if "run_ok" in data.runs else 0
        message = (
            f"{data.out}: outcome {outcome!r}: {dropped} of {len(units)} {what} hold failed or "
            f"non-finite runs ({failed_runs} failed runs in the sweep)"
        )
        if not drop_failed:
            raise SensitivityError(message + "; analysis refused (drop_failed=False)")
        if ok.sum() < 2:
            raise SensitivityError(message + f"; fewer than 2 complete {what} are left")
        warnings.warn(message + f"; those {what} are dropped", stacklevel=3)
    return ok, dropped


def sobol_indices(
    data: SweepData,
    outcomes: Sequence[str] | None = None,
    *,
    drop_failed: bool = True,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
    seed: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return Sobol first-order and total indices (and second-order ones if the design has them).

    Args:
        data: A sweep sampled with ``sampler = "sobol"``.
        outcomes: Outcome columns (default: all).
        drop_failed: Drop base samples with failed runs (else raise).
        conf_level: Level of the bootstrap confidence intervals.
        num_resamples: Bootstrap resamples.
        seed: Bootstrap seed (default: the sweep seed).

    Returns:
        ``(first_total, second)``: tidy tables with columns ``outcome, parameter, S1, S1_conf,
        ST, ST_conf, samples, dropped`` and ``outcome, parameter, other, S2, S2_conf`` (empty
        without second order).
    """
    from SALib.analyze import sobol

    if data.sampler != "sobol":
        raise SensitivityError(
            f"{data.out}: Sobol indices need a sobol design, not {data.sampler!r}"
        )
    second = bool(
        data.manifest.get("design", {}).get("second_order", data.manifest.get("second_order"))
    )
    d = len(data.parameters)
    step = 2 * d + 2 if second else d + 2
    means = set_means(data, outcomes)
    names = [c for c in means.columns if c not in ("set_id", "n_ok", "n_failed")]
    problem = _problem(data)
    rows, rows2 = [], []
    for outcome in names:
        y = means[outcome].to_numpy(dtype=float)
        if y.size % step:
            raise SensitivityError(
                f"{data.out}: {y.size} sets do not fit a Sobol design with step {step}"
            )
        ok, dropped = _keep_units(y, step, "base samples", outcome, drop_failed, data)
        kept = y.reshape(-1, step)[ok].ravel()
        if np.ptp(kept) == 0:
            warnings.warn(
                f"{data.out}: outcome {outcome!r} is constant; its indices are NaN", stacklevel=2
            )
            si = {k: np.full(d, np.nan) for k in ("S1", "S1_conf", "ST", "ST_conf")}
            si.update(S2=np.full((d, d), np.nan), S2_conf=np.full((d, d), np.nan))
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                si = sobol.analyze(
                    problem,
                    kept,
                    calc_second_order=second,
                    num_resamples=num_resamples,
                    conf_level=conf_level,
                    seed=_analysis_seed(data, seed),
                )
        for j, name in enumerate(data.parameters):
            rows.append(
                {
                    "outcome": outcome,
                    "parameter": name,
                    "S1": float(si["S1"][j]),
                    "S1_conf": float(si["S1_conf"][j]),
                    "ST": float(si["ST"][j]),
                    "ST_conf": float(si["ST_conf"][j]),
                    "samples": int(ok.sum()),
                    "dropped": dropped,
                }
            )
            if second:
                for k in range(j + 1, d):
                    rows2.append(
                        {
                            "outcome": outcome,
                            "parameter": name,
                            "other": data.parameters[k],
                            "S2": float(si["S2"][j, k]),
                            "S2_conf": float(si["S2_conf"][j, k]),
                        }
                    )
    first_total = pd.DataFrame(rows)
    second_table = pd.DataFrame(rows2, columns=["outcome", "parameter", "other", "S2", "S2_conf"])
    return first_total, second_table


def morris_indices(
    data: SweepData,
    outcomes: Sequence[str] | None = None,
    *,
    drop_failed: bool = True,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
    seed: int | None = None,
) -> pd.DataFrame:
    """Return Morris elementary-effect statistics (mu, mu_star, sigma, mu_star_conf).

    Effects are per step of the Morris grid (a share of each parameter's range), unscaled.

    Args:
        data: A sweep sampled with ``sampler = "morris"``.
        outcomes: Outcome columns (default: all).
        drop_failed: Drop trajectories with failed runs (else raise).
        conf_level: Level of the bootstrap confidence interval of mu_star.
        num_resamples: Bootstrap resamples.
        seed: Bootstrap seed (default: the sweep seed).

    Returns:
        Tidy table: ``outcome, parameter, mu, mu_star, sigma, mu_star_conf, trajectories, dropped``.
    """
    from SALib.analyze import morris

    if data.sampler != "morris" or data.matrix is None:
        raise SensitivityError(
            f"{data.out}: Morris indices need a morris design, not {data.sampler!r}"
        )
    d = len(data.parameters)
    levels = int(data.manifest.get("design", {}).get("num_levels") or 4)
    means = set_means(data, outcomes)
    names = [c for c in means.columns if c not in ("set_id", "n_ok", "n_failed")]
    problem = _problem(data)
    matrix = np.asarray(data.matrix, dtype=float)
    rows = []
    for outcome in names:
        y = means[outcome].to_numpy(dtype=float)
        ok, dropped = _keep_units(y, d + 1, "trajectories", outcome, drop_failed, data)
        x_kept = matrix.reshape(-1, d + 1, d)[ok].reshape(-1, d)
        y_kept = y.reshape(-1, d + 1)[ok].ravel()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            si = morris.analyze(
                problem,
                x_kept,
                y_kept,
                num_resamples=num_resamples,
                conf_level=conf_level,
                num_levels=levels,
                seed=_analysis_seed(data, seed),
            )
        for j, name in enumerate(data.parameters):
            rows.append(
                {
                    "outcome": outcome,
                    "parameter": name,
                    "mu": float(si["mu"][j]),
                    "mu_star": float(si["mu_star"][j]),
                    "sigma": float(si["sigma"][j]),
                    "mu_star_conf": float(si["mu_star_conf"][j]),
                    "trajectories": int(ok.sum()),
                    "dropped": dropped,
                }
            )
    return pd.DataFrame(rows)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _write_csv(path: Path, table: pd.DataFrame) -> None:
    store.write_text(path, table.to_csv(index=False))


def analyse(
    out_dir: str | Path,
    outcomes: Sequence[str] | None = None,
    *,
    figures: bool = True,
    drop_failed: bool = True,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
    seed: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Analyse a finished sweep and write the tables and figures into its folder.

    Always writes ``summary.csv`` (per set and outcome). A Sobol sweep adds
    ``sensitivity_sobol.csv`` (and ``sensitivity_sobol_s2.csv`` with second order), a Morris sweep
    ``sensitivity_morris.csv``; figures go to ``figures/<method>_<outcome>.png`` and ``.svg``.

    Args:
        out_dir: The sweep folder.
        outcomes: Outcome columns (default: all).
        figures: Whether to draw figures.
        drop_failed: See the module docstring.
        conf_level: Level of the bootstrap confidence intervals.
        num_resamples: Bootstrap resamples.
        seed: Bootstrap seed (default: the sweep seed).

    Returns:
        The tables by name: ``"summary"`` and ``"sobol"`` + ``"sobol_s2"`` or ``"morris"``.

    Raises:
        SensitivityError: If the sweep is incomplete, an outcome is unknown, or failures leave
            nothing to analyse.
    """
    out = Path(out_dir)
    data = load_results(out)
    names = _choose_outcomes(data, outcomes)
    tables: dict[str, pd.DataFrame] = {"summary": summary(data, names)}
    _write_csv(out / "summary.csv", tables["summary"])
    kw = {
        "drop_failed": drop_failed,
        "conf_level": conf_level,
        "num_resamples": num_resamples,
        "seed": seed,
    }
    if data.sampler == "sobol":
        tables["sobol"], tables["sobol_s2"] = sobol_indices(data, names, **kw)
        _write_csv(out / "sensitivity_sobol.csv", tables["sobol"])
        if len(tables["sobol_s2"]):
            _write_csv(out / "sensitivity_sobol_s2.csv", tables["sobol_s2"])
    elif data.sampler == "morris":
        tables["morris"] = morris_indices(data, names, **kw)
        _write_csv(out / "sensitivity_morris.csv", tables["morris"])
    if figures:
        from simulation.experiments.index_figures import morris_figure, save_figure, sobol_figure

        for outcome in names:
            if "sobol" in tables:
                fig = sobol_figure(tables["sobol"], outcome, conf_level=conf_level)
                save_figure(fig, out / "figures", f"sobol_{_safe(outcome)}")
            if "morris" in tables:
                fig = morris_figure(tables["morris"], outcome, conf_level=conf_level)
                save_figure(fig, out / "figures", f"morris_{_safe(outcome)}")
    return tables
