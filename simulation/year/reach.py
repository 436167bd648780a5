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

from simulation.year.groups import stable_order

__all__ = ["assign_doses"]

# Not parameters: how many eligible citizens of a group are kept before sorting (1.5 times as
# many as the capacities can take, plus 20), a margin for speed. Every kept citizen is a uniform
# random draw, so the reach's distribution does not depend on these (only the stream's use does).
_KEEP_FACTOR = 1.5
_KEEP_EXTRA = 20
# Not a parameter: overlaps below this share of a citizen's weight are rounding, not reach.
_MIN_OVERLAP = 1e-9


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
    w = float(weight)
    init_group = np.asarray(group_of_initiative, dtype=np.int64)
    order_i = stable_order(init_group)
    cap_sorted = cap[order_i]
    group_sorted = init_group[order_i]
    total_by_group = np.bincount(group_sorted, weights=cap_sorted, minlength=n_groups)
    cum = np.cumsum(cap_sorted)
    end_i = cum - (np.cumsum(total_by_group) - total_by_group)[group_sorted]
    start_i = end_i - cap_sorted  # each initiative's interval [start_i, end_i) in its group

    # One uniform number per eligible entry both thins and orders. Only about as many citizens
    # as the capacities can take are needed: keep a random subset with a margin in each group
    # (all of them where the margin is not met), so that sorting stays cheap when millions are
    # eligible. The kept entries' numbers are uniform too, so ordering them by their number
    # puts each group in a uniformly random order.
    group_e = np.asarray(group_of_eligible, dtype=np.int64)
    have = np.bincount(group_e, minlength=n_groups)
    needed = np.ceil(total_by_group / w) + 1
    p_keep = np.divide(
        _KEEP_FACTOR * needed + _KEEP_EXTRA, have, out=np.ones(n_groups), where=have > 0
    )
    u = rng.random(len(eligible))
    kept = np.flatnonzero(u < p_keep[group_e])
    group_k = group_e[kept]
    count = np.bincount(group_k, minlength=n_groups)
    short = count < np.minimum(needed, have)
    if short.any():
        kept = np.flatnonzero((u < p_keep[group_e]) | short[group_e])
        group_k = group_e[kept]
        count = np.where(short, have, count)
    # one 64-bit key (group, the number, the entry's place) sorts far faster than a lexsort
    n = len(kept)
    index_bits = max(int(n - 1).bit_length(), 1)
    random_bits = min(63 - max(int(n_groups - 1).bit_length(), 1) - index_bits, 52)
    if random_bits >= 24:
        key = (u[kept] * float(2**random_bits)).astype(np.int64)
        key |= group_k << random_bits
        key <<= index_bits
        key |= np.arange(n, dtype=np.int64)
        key.sort()
        key &= (1 << index_bits) - 1
        order = kept[key]
    else:
        order = kept[np.lexsort((u[kept], group_k))]
    first_of_group = np.cumsum(count) - count

    # In its group, the citizen of rank r lies on [r w, r w + w): an initiative meets the ranks
    # from floor(start / w) to ceil(end / w) - 1 (of those the group has).
    g = group_sorted
    lo = np.maximum(np.floor(start_i / w), 0).astype(np.int64)
    hi = np.minimum(np.ceil(end_i / w).astype(np.int64), count[g])
    n_pairs = np.maximum(hi - lo, 0)
    total = int(n_pairs.sum())
    if not total:
        return empty
    pair_init = np.repeat(np.arange(len(cap)), n_pairs)
    rank = np.arange(total) - np.repeat(np.cumsum(n_pairs) - n_pairs - lo, n_pairs)
    a = rank * w
    overlap = np.minimum(end_i[pair_init], a + w) - np.maximum(start_i[pair_init], a)
    keep = np.flatnonzero(overlap > _MIN_OVERLAP * w)
    pair_init, rank = pair_init[keep], rank[keep]
    rows = eligible[order[first_of_group[g[pair_init]] + rank]]
    return rows, order_i[pair_init], overlap[keep] / w
