"""Which citizens the running initiatives reach: a vectorised assignment under capacity limits.

Each simulated citizen stands for ``weight`` residents. In every municipality the eligible
citizens are put in a random order and laid end to end, each taking ``weight`` persons; the
initiatives' capacities (in persons) are laid end to end along the same line. Where the two
overlap, that share of the citizen's persons is reached by that initiative: a citizen may be
shared between initiatives, and the last one reached is reached in part. A citizen with doses
``f_i`` of initiatives with multipliers ``m_i`` has, in expectation, the probability
``p (1 + sum_i f_i (m_i - 1))``, so the reached persons never exceed any capacity and the
expected effect does not depend on the scale.
"""

from __future__ import annotations

import numpy as np

__all__ = ["assign_doses"]


def assign_doses(
    eligible: np.ndarray,
    municipality: np.ndarray,
    capacity_by_initiative: np.ndarray,
    municipality_of_initiative: np.ndarray,
    weight: float,
    rng: np.random.Generator,
    n_municipalities: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill the initiatives' capacities with eligible citizens of their municipality.

    Args:
        eligible: row indices of the eligible citizens.
        municipality: municipality index of every citizen (full column).
        capacity_by_initiative: capacity in persons of each initiative.
        municipality_of_initiative: municipality index of each initiative.
        weight: persons per simulated citizen.
        rng: random stream for the order within each municipality.
        n_municipalities: number of municipality indices.

    Returns:
        ``(rows, initiative, dose)``, one entry per (citizen, initiative) pair: the citizen's
        row, the index of the initiative (into the given arrays) and the share of the citizen's
        persons it reaches, in (0, 1]. A citizen's doses sum to at most 1.
    """
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
    cap = np.maximum(np.asarray(capacity_by_initiative, dtype=float), 0.0)
    if not len(eligible) or not len(cap) or cap.sum() <= 0:
        return empty
    init_mun = np.asarray(municipality_of_initiative, dtype=np.int64)
    order_i = np.lexsort((np.arange(len(cap)), init_mun))
    cap_sorted = cap[order_i]
    mun_sorted = init_mun[order_i]
    total_by_mun = np.bincount(mun_sorted, weights=cap_sorted, minlength=n_municipalities)
    first = np.searchsorted(mun_sorted, np.arange(n_municipalities))
    cum = np.cumsum(cap_sorted)
    before = np.concatenate([[0.0], cum])[first]
    end_i = cum - before[mun_sorted]  # end of each initiative's interval within its municipality
    start_i = end_i - cap_sorted

    mun_e = municipality[eligible].astype(np.int64)
    # Only about as many citizens as the capacities can take are needed: keep a random subset
    # with a margin in each municipality (all of them where the margin is not met), so that
    # sorting stays cheap when millions are eligible. Every eligible citizen is as likely to be
    # reached as before.
    have = np.bincount(mun_e, minlength=n_municipalities)
    needed = np.ceil(total_by_mun / weight) + 1
    p_keep = np.divide(1.5 * needed + 20, have, out=np.ones(n_municipalities), where=have > 0)
    u = rng.random(len(eligible))
    kept = u < p_keep[mun_e]
    short = np.bincount(mun_e[kept], minlength=n_municipalities) < np.minimum(needed, have)
    kept |= short[mun_e]
    eligible, mun_e = eligible[kept], mun_e[kept]
    # one 64-bit key (municipality, then a random number) sorts far faster than a lexsort
    key = (mun_e << 32) | rng.integers(0, 2**32, size=len(eligible), dtype=np.int64)
    order = np.argsort(key)
    rows = eligible[order]
    mun_r = mun_e[order]
    start = np.searchsorted(mun_r, np.arange(n_municipalities))
    rank = np.arange(len(rows)) - start[mun_r]
    a = rank * float(weight)
    b = np.minimum(a + weight, total_by_mun[mun_r])
    take = b > a
    rows, mun_r, a, b = rows[take], mun_r[take], a[take], b[take]
    if not len(rows):
        return empty
    # initiatives of the same municipality whose interval [start_i, end_i) meets [a, b)
    span = float(end_i.max()) + 2.0 * weight + 1.0
    key_end = mun_sorted * span + end_i
    lo = np.searchsorted(key_end, mun_r * span + a, side="right")
    hi = np.searchsorted(key_end, mun_r * span + b, side="left")
    hi = np.minimum(hi, len(cap) - 1)
    count = np.maximum(hi - lo + 1, 0)
    pair_row = np.repeat(np.arange(len(rows)), count)
    offsets = np.arange(len(pair_row)) - np.repeat(np.cumsum(count) - count, count)
    pair_init = lo[pair_row] + offsets
    overlap = np.minimum(b[pair_row], end_i[pair_init]) - np.maximum(
        a[pair_row], start_i[pair_init]
    )
    keep = (overlap > 1e-12) & (mun_sorted[pair_init] == mun_r[pair_row])
    return rows[pair_row[keep]], order_i[pair_init[keep]], overlap[keep] / weight
