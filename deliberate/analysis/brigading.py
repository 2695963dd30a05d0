"""Brigade detection: groups of accounts that vote as one, found from votes and their timing.

A brigade (many accounts steered by one person or one call to action) shows in two ways at once:

- **content**: its accounts cast (nearly) the same votes on (nearly) the same statements, or all
  push one statement the rest of the consultation is divided on;
- **behaviour**: they arrive together and vote faster than anyone can read, come from one network,
  or submit statements in a burst.

Either alone is common among genuine participants (an opinion group votes alike; people arrive
together after a newsletter; some click fast), so a cluster is suspect only with evidence of
both kinds. Pairs of accounts are linked when their votes are near-identical, or when both are
hasty, arrived within a window of each other and agree on what they both voted; clusters are
the connected components, and each suspect cluster keeps its evidence for the facilitator, who
decides (quarantine is reversible). Pure functions on arrays; nothing here reads the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

__all__ = [
    "Activity",
    "BrigadeParams",
    "BrigadeReport",
    "FloatArray",
    "IntArray",
    "SuspectCluster",
    "detect_brigades",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
_EMPTY_INT: IntArray = np.zeros(0, dtype=np.int64)
_EMPTY_FLOAT: FloatArray = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Activity:
    """What the detector sees of one consultation, as arrays.

    Times are seconds on any common clock. ``joined_at`` and ``network`` are optional: NaN or
    -1 (or ``None`` for the whole array) where unknown. ``network`` is an opaque key of the
    address block an account was created from; it is never an address.
    """

    participant_ids: Sequence[str]
    vote_participant: IntArray
    vote_statement: IntArray
    vote_value: NDArray[np.int8]
    vote_time: FloatArray
    statement_words: IntArray
    joined_at: FloatArray | None = None
    network: IntArray | None = None
    statement_author: IntArray = field(default_factory=lambda: _EMPTY_INT)
    statement_time: FloatArray = field(default_factory=lambda: _EMPTY_FLOAT)


@dataclass(frozen=True, slots=True)
class BrigadeParams:
    """Thresholds of :func:`detect_brigades` (the defaults are the benchmarked ones)."""

    min_cohort: int = 3  # accounts in a suspect cluster
    min_overlap: int = 6  # statements two accounts both voted on before they can be twins
    twin_agreement: float = 0.9  # share of those with the same vote
    twin_jaccard: float = 0.75  # overlap of the sets of statements they voted on
    arrival_window_s: float = 600.0  # accounts arriving this close together may be one wave
    twin_window_s: float = 6 * 3600.0  # hasty twins count together only when this close
    words_per_second: float = 5.0  # reading speed; a vote sooner than this after the last is fast
    min_reading_s: float = 1.0
    hasty_fast_share: float = 0.6  # share of fast votes that makes an account hasty
    quick_start_s: float = 3.0  # or: from joining to the first vote
    burst_agreement: float = 0.5  # hasty co-arrivals agree on this share of shared statements
    push_coverage: float = 0.6  # a pushed statement: voted by this share of the cluster,
    push_share: float = 0.9  # with this share the same way,
    push_lift: float = 0.3  # this much more than the rest of the consultation
    statement_burst: int = 3  # statements by one account within statement_burst_s
    statement_burst_s: float = 120.0


@dataclass(frozen=True, slots=True)
class SuspectCluster:
    """Accounts that look like one brigade, with the evidence that makes them suspect."""

    participant_ids: tuple[str, ...]
    reasons: tuple[str, ...]  # identical_votes, pushed_statement; hasty_arrivals, same_network,
    #                            statement_burst
    pushed: tuple[tuple[int, int], ...]  # (statement index, vote value) the cluster pushes
    arrival_span_s: float  # first to last arrival
    median_fast_share: float  # of the members' votes, the share faster than reading time
    median_agreement: float  # between linked members on statements both voted


@dataclass(frozen=True, slots=True)
class BrigadeReport:
    """Per-account signals and the suspect clusters."""

    twins: IntArray  # per account: accounts with near-identical votes
    arrival_peers: IntArray  # accounts that arrived within the window
    fast_share: FloatArray  # share of votes faster than reading time (NaN: < 3 votes)
    join_to_vote_s: FloatArray  # NaN when the join time is unknown
    statement_burst: IntArray  # most statements submitted within the burst window
    clusters: tuple[SuspectCluster, ...]
    participant_ids: tuple[str, ...] = ()  # the accounts the per-account arrays are indexed by

    @property
    def suspects(self) -> frozenset[str]:
        """Every account in a suspect cluster."""
        return frozenset(p for c in self.clusters for p in c.participant_ids)


def detect_brigades(activity: Activity, params: BrigadeParams | None = None) -> BrigadeReport:
    """Signals per account and the clusters that show both content and behaviour evidence."""
    params = params or BrigadeParams()
    n = len(activity.participant_ids)
    order = np.lexsort((activity.vote_time, activity.vote_participant))
    who = activity.vote_participant[order]
    when = activity.vote_time[order]
    first_vote = np.full(n, np.nan)
    if who.size:
        starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
        first_vote[who[starts]] = when[starts]
    joined = (
        np.full(n, np.nan)
        if activity.joined_at is None
        else np.asarray(activity.joined_at, dtype=np.float64)
    )
    arrival = np.where(np.isnan(joined), first_vote, joined)
    join_to_vote = first_vote - joined
    fast = _fast_share(activity, order, params, n)
    hasty = (fast >= params.hasty_fast_share) | (join_to_vote <= params.quick_start_s)
    bursts = _statement_bursts(activity, params, n)
    voted, same = _vote_matrices(activity, n)
    twin_pairs, twin_agreement = _twin_pairs(voted, same, params)
    burst_pairs, burst_agreement = _burst_pairs(voted, same, arrival, hasty, params)
    twins = np.bincount(twin_pairs.ravel(), minlength=n).astype(np.int64)
    # Twins link only where both show the behaviour: a genuine participant whose votes a brigade
    # copied is its twin, but did not arrive with it or vote at its speed.
    both = _both_behave(
        twin_pairs, arrival, hasty, bursts >= params.statement_burst, activity.network, params
    )
    twin_pairs, twin_agreement = twin_pairs[both], twin_agreement[both]
    pairs = np.vstack([twin_pairs, burst_pairs])
    agreement = np.r_[twin_agreement, burst_agreement]
    linked_twins = np.bincount(twin_pairs.ravel(), minlength=n)
    clusters = _clusters(
        activity, pairs, agreement, voted, same, arrival, fast, hasty, bursts, linked_twins, params
    )
    return BrigadeReport(
        twins=twins,
        arrival_peers=_peers_within(arrival, params.arrival_window_s),
        fast_share=fast,
        join_to_vote_s=join_to_vote,
        statement_burst=bursts,
        clusters=clusters,
        participant_ids=tuple(activity.participant_ids),
    )


def _fast_share(activity: Activity, order: IntArray, params: BrigadeParams, n: int) -> FloatArray:
    who = activity.vote_participant[order]
    when = activity.vote_time[order]
    words = activity.statement_words[activity.vote_statement[order]]
    same_person = who[1:] == who[:-1]
    reading = np.maximum(params.min_reading_s, words[1:] / params.words_per_second)
    is_fast = (when[1:] - when[:-1] < reading) & same_person
    gaps = np.bincount(who[1:][same_person], minlength=n).astype(np.float64)
    fast = np.bincount(who[1:][is_fast], minlength=n).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(gaps >= 2, fast / gaps, np.nan)


def _statement_bursts(activity: Activity, params: BrigadeParams, n: int) -> IntArray:
    """Per account, the most statements it submitted within the burst window."""
    most = np.zeros(n, dtype=np.int64)
    authors = activity.statement_author
    for author in np.unique(authors[authors >= 0]):
        times = np.sort(activity.statement_time[authors == author])
        ends = np.searchsorted(times, times + params.statement_burst_s, side="right")
        most[author] = int((ends - np.arange(times.size)).max())
    return most


def _peers_within(arrival: FloatArray, window: float) -> IntArray:
    known = ~np.isnan(arrival)
    times = np.sort(arrival[known])
    peers = np.zeros(arrival.size, dtype=np.int64)
    lo = np.searchsorted(times, arrival[known] - window, side="left")
    hi = np.searchsorted(times, arrival[known] + window, side="right")
    peers[known] = hi - lo - 1
    return peers


def _vote_matrices(activity: Activity, n: int) -> tuple[sparse.csr_array, sparse.csr_array]:
    """Who voted on what (n × m), and one-hot (statement, value) (n × 3m) for equal votes."""
    m = int(activity.statement_words.size)
    rows, cols = activity.vote_participant, activity.vote_statement
    ones = np.ones(rows.size, dtype=np.float32)
    voted = sparse.csr_array((ones, (rows, cols)), shape=(n, m))
    value_cols = cols * 3 + (activity.vote_value.astype(np.int64) + 1)
    same = sparse.csr_array((ones, (rows, value_cols)), shape=(n, 3 * m))
    voted.sum_duplicates()
    same.sum_duplicates()
    return voted, same


def _pair_stats(
    voted: sparse.csr_array, same: sparse.csr_array, left: IntArray, right: IntArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Co-voted statements, equal votes and the Jaccard overlap of each (left, right) pair."""
    co = np.asarray(voted[left].multiply(voted[right]).sum(axis=1)).ravel()
    equal = np.asarray(same[left].multiply(same[right]).sum(axis=1)).ravel()
    counts = np.asarray(voted.sum(axis=1)).ravel()
    union = counts[left] + counts[right] - co
    with np.errstate(invalid="ignore", divide="ignore"):
        return co, np.where(co > 0, equal / co, 0.0), np.where(union > 0, co / union, 0.0)


def _twin_pairs(
    voted: sparse.csr_array, same: sparse.csr_array, params: BrigadeParams
) -> tuple[IntArray, FloatArray]:
    """Pairs with near-identical votes on nearly the same statements, in row blocks."""
    counts = np.asarray(voted.sum(axis=1)).ravel()
    candidates = np.flatnonzero(counts >= params.min_overlap)
    found: list[IntArray] = []
    agreements: list[FloatArray] = []
    block = max(1, 2_000_000 // max(1, candidates.size))
    sub_voted, sub_same = voted[candidates], same[candidates]
    # Equal agree or disagree votes (passes left out): accounts that only pass say nothing.
    sided = sub_same[:, np.flatnonzero(np.arange(same.shape[1]) % 3 != 1)]
    for first in range(0, candidates.size, block):
        rows = slice(first, first + block)
        co = (sub_voted[rows] @ sub_voted.T).toarray()
        equal = (sub_same[rows] @ sub_same.T).toarray()
        equal_sided = (sided[rows] @ sided.T).toarray()
        own = counts[candidates[rows]][:, None]
        union = own + counts[candidates][None, :] - co
        with np.errstate(invalid="ignore", divide="ignore"):
            agree = np.where(co > 0, equal / co, 0.0)
            link = (
                (co >= params.min_overlap)
                & (2 * equal_sided >= params.min_overlap)
                & (agree >= params.twin_agreement)
                & (co / union >= params.twin_jaccard)
            )
        local, other = np.nonzero(link)
        keep = local + first < other  # each pair once, no self-pairs
        found.append(np.c_[candidates[local[keep] + first], candidates[other[keep]]])
        agreements.append(agree[local[keep], other[keep]])
    if not found:
        return np.zeros((0, 2), dtype=np.int64), _EMPTY_FLOAT
    return np.vstack(found).astype(np.int64), np.concatenate(agreements)


def _burst_pairs(
    voted: sparse.csr_array,
    same: sparse.csr_array,
    arrival: FloatArray,
    hasty: NDArray[np.bool_],
    params: BrigadeParams,
) -> tuple[IntArray, FloatArray]:
    """Hasty accounts that arrived within the window of each other and agree when they overlap."""
    members = np.flatnonzero(hasty & ~np.isnan(arrival))
    members = members[np.argsort(arrival[members], kind="stable")]
    times = arrival[members]
    ends = np.searchsorted(times, times + params.arrival_window_s, side="right")
    left = np.repeat(np.arange(members.size), ends - np.arange(members.size) - 1)
    right = left + 1 + _ranges(ends - np.arange(members.size) - 1)
    if left.size == 0:
        return np.zeros((0, 2), dtype=np.int64), _EMPTY_FLOAT
    a, b = members[left], members[right]
    co, agree, _ = _pair_stats(voted, same, a, b)
    keep = (co >= 1) & (agree >= params.burst_agreement)
    return np.c_[a[keep], b[keep]].astype(np.int64), agree[keep]


def _both_behave(
    pairs: IntArray,
    arrival: FloatArray,
    hasty: NDArray[np.bool_],
    bursting: NDArray[np.bool_],
    network: IntArray | None,
    params: BrigadeParams,
) -> NDArray[np.bool_]:
    a, b = pairs[:, 0], pairs[:, 1]
    close = np.abs(arrival[a] - arrival[b]) <= params.twin_window_s
    both = (hasty[a] & hasty[b] & close) | (bursting[a] & bursting[b])
    if network is not None:
        both |= (network[a] == network[b]) & (network[a] >= 0)
    return both


def _ranges(lengths: IntArray) -> IntArray:
    """``[0..l0), [0..l1), …`` concatenated."""
    total = int(lengths.sum())
    if total == 0:
        return _EMPTY_INT
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(total, dtype=np.int64) - starts


def _clusters(
    activity: Activity,
    pairs: IntArray,
    agreement: FloatArray,
    voted: sparse.csr_array,
    same: sparse.csr_array,
    arrival: FloatArray,
    fast: FloatArray,
    hasty: NDArray[np.bool_],
    bursts: IntArray,
    twins: IntArray,
    params: BrigadeParams,
) -> tuple[SuspectCluster, ...]:
    n = len(activity.participant_ids)
    if pairs.size == 0:
        return ()
    graph = sparse.coo_array((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels, minlength=count)
    linked = np.zeros(n, dtype=bool)
    linked[pairs.ravel()] = True
    found: list[SuspectCluster] = []
    for label in np.flatnonzero(sizes >= params.min_cohort):
        members = np.flatnonzero((labels == label) & linked)
        pushed = _pushed(members, voted, same, params)
        content = [
            reason
            for reason, present in (
                ("identical_votes", (twins[members] > 0).mean() >= 0.5),
                ("pushed_statement", bool(pushed)),
            )
            if present
        ]
        behaviour = [
            reason
            for reason, present in (
                ("hasty_arrivals", hasty[members].mean() >= 0.5),
                ("same_network", _same_network(activity.network, members)),
                ("statement_burst", (bursts[members] >= params.statement_burst).any()),
            )
            if present
        ]
        if not content or not behaviour:
            continue
        in_cluster = np.isin(pairs[:, 0], members)
        found.append(
            SuspectCluster(
                participant_ids=tuple(activity.participant_ids[int(i)] for i in members),
                reasons=(*content, *behaviour),
                pushed=pushed,
                arrival_span_s=float(np.nanmax(arrival[members]) - np.nanmin(arrival[members])),
                median_fast_share=float(np.nanmedian(fast[members]))
                if not np.isnan(fast[members]).all()
                else float("nan"),
                median_agreement=float(np.median(agreement[in_cluster])),
            )
        )
    return tuple(sorted(found, key=lambda c: -len(c.participant_ids)))


def _pushed(
    members: IntArray, voted: sparse.csr_array, same: sparse.csr_array, params: BrigadeParams
) -> tuple[tuple[int, int], ...]:
    """Statements the cluster votes one way on, far more than everyone else does."""
    inside = np.zeros(voted.shape[0], dtype=bool)
    inside[members] = True
    coverage = np.asarray(voted[members].sum(axis=0)).ravel()
    ways = np.asarray(same[members].sum(axis=0)).ravel().reshape(-1, 3)
    rest_voted = np.asarray(voted[~inside].sum(axis=0)).ravel()
    rest_ways = np.asarray(same[~inside].sum(axis=0)).ravel().reshape(-1, 3)
    pushed: list[tuple[int, int]] = []
    for statement in np.flatnonzero(coverage >= params.push_coverage * members.size):
        way = int(np.argmax(ways[statement]))
        if way == 1:
            continue  # passing pushes nothing
        share = ways[statement, way] / coverage[statement]
        rest = rest_ways[statement, way] / rest_voted[statement] if rest_voted[statement] else 0.0
        if share >= params.push_share and share - rest >= params.push_lift:
            pushed.append((int(statement), way - 1))
    return tuple(pushed)


def _same_network(network: IntArray | None, members: IntArray) -> bool:
    if network is None:
        return False
    keys = network[members]
    keys = keys[keys >= 0]
    return keys.size >= 2 and np.bincount(np.unique(keys, return_inverse=True)[1]).max() >= max(
        2, members.size // 2
    )
