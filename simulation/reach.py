"""Which citizens the running initiatives reach: a vectorised assignment under capacity limits.

Each simulated citizen stands for ``weight`` residents. In every group (a municipality, or a
municipality and kind of initiative) the eligible citizens are put in a random order and laid end
to end, each taking ``weight`` persons; the initiatives' capacities (in persons) are laid end to
end along the same line. Where the two
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
    group_of_eligible: np.ndarray,
    capacity_by_initiative: np.ndarray,
    group_of_initiative: np.ndarray,
    weight: float,
    rng: np.random.Generator,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill the initiatives' capacities with eligible citizens of their group.

    Args:
        eligible: row indices of the eligible citizens (a row may appear once per group).
        group_of_eligible: group index of each eligible entry (e.g. its municipality).
        capacity_by_initiative: capacity in persons of each initiative.
        group_of_initiative: group index of each initiative.
        weight: persons per simulated citizen.
        rng: random stream for the order within each group.
        n_groups: number of group indices.

    Returns:
        ``(rows, initiative, dose)``, one entry per (eligible entry, initiative) pair: the
        citizen's row, the index of the initiative (into the given arrays) and the share of the
        citizen's persons it reaches, in (0, 1]. The doses of an eligible entry sum to at most 1.
    """
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
    cap = np.maximum(np.asarray(capacity_by_initiative, dtype=float), 0.0)
    if not len(eligible) or not len(cap) or cap.sum() <= 0:
        return empty
    init_group = np.asarray(group_of_initiative, dtype=np.int64)
    order_i = np.argsort(init_group, kind="stable")
    cap_sorted = cap[order_i]
    group_sorted = init_group[order_i]
    total_by_group = np.bincount(group_sorted, weights=cap_sorted, minlength=n_groups)
    first = np.searchsorted(group_sorted, np.arange(n_groups))
    cum = np.cumsum(cap_sorted)
    before = np.concatenate([[0.0], cum])[first]
    end_i = cum - before[group_sorted]  # end of each initiative's interval in its group
    start_i = end_i - cap_sorted

    group_e = np.asarray(group_of_eligible, dtype=np.int64)
    # Only about as many citizens as the capacities can take are needed: keep a random subset
    # with a margin in each group (all of them where the margin is not met), so that
    # sorting stays cheap when millions are eligible. Every eligible citizen is as likely to be
    # reached as before.
    have = np.bincount(group_e, minlength=n_groups)
    needed = np.ceil(total_by_group / weight) + 1
    p_keep = np.divide(1.5 * needed + 20, have, out=np.ones(n_groups), where=have > 0)
    u = rng.random(len(eligible))
    kept = u < p_keep[group_e]
    short = np.bincount(group_e[kept], minlength=n_groups) < np.minimum(needed, have)
    kept |= short[group_e]
    eligible, group_e = eligible[kept], group_e[kept]
    # one 64-bit key (group, then a random number) sorts far faster than a lexsort
    key = (group_e << 32) | rng.integers(0, 2**32, size=len(eligible), dtype=np.int64)
    order = np.argsort(key)
    rows = eligible[order]
    group_r = group_e[order]
    start = np.searchsorted(group_r, np.arange(n_groups))
    rank = np.arange(len(rows)) - start[group_r]
    a = rank * float(weight)
    b = np.minimum(a + weight, total_by_group[group_r])
    take = b > a
    rows, group_r, a, b = rows[take], group_r[take], a[take], b[take]
    if not len(rows):
        return empty
    # initiatives of the same group whose interval [start_i, end_i) meets [a, b)
    span = float(end_i.max()) + 2.0 * weight + 1.0
    key_end = group_sorted * span + end_i
    lo = np.searchsorted(key_end, group_r * span + a, side="right")
    hi = np.searchsorted(key_end, group_r * span + b, side="left")
    hi = np.minimum(hi, len(cap) - 1)
    count = np.maximum(hi - lo + 1, 0)
    pair_row = np.repeat(np.arange(len(rows)), count)
    offsets = np.arange(len(pair_row)) - np.repeat(np.cumsum(count) - count, count)
    pair_init = lo[pair_row] + offsets
    overlap = np.minimum(b[pair_row], end_i[pair_init]) - np.maximum(
        a[pair_row], start_i[pair_init]
    )
    keep = (overlap > 1e-12) & (group_sorted[pair_init] == group_r[pair_row])
    return rows[pair_row[keep]], order_i[pair_init[keep]], overlap[keep] / weight
