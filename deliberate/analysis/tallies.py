"""Per-channel figures, table tallies and the room-versus-online check.

Individual votes (online, phones in the room, paper forms) and table tallies (a show of hands)
meet here as *counts*, never as participants: a tally has no individuals behind it, so it
never enters the vote matrix or the clustering. It does count in the per-statement figures.

**Weight.** A tallied hand counts ``tally_weight`` votes in the combined figures (default 1.0:
one hand, one vote, so people at a table weigh as much as people online). A facilitator may
lower it when hands were clearly influenced by the room; the report states the weight used.

**Room versus online.** For each session and statement we compare the agree share among
decided votes, ``agree / (agree + disagree)``. Passes are left out because "weet niet" at a
table and a pass online do not mean the same. A difference is *flagged* when all three hold:

1. both sides have at least ``min_count`` decided votes (tallies included, unweighted);
2. the absolute difference in agree share is at least ``min_difference`` (effect size);
3. a two-sided pooled two-proportion z-test is significant at ``alpha`` after the
   Benjamini–Hochberg correction over all (session, statement) pairs tested.

Hands at one table are not independent (people look at each other), so the test is an
indicator for the facilitator to look at, not proof.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr  # the normal upper tail is ndtr(-x); scipy.stats is slow to import

from deliberate.analysis.channel_votes import ONLINE, ChannelVotes, folded_channels
from deliberate.analysis.definitions import FindingRules
from deliberate.analysis.result import (
    AnalysisResult,
    ChannelCounts,
    CombinedCounts,
    RoomComparison,
)
from deliberate.domain.sessions import session_of
from deliberate.domain.snapshot import Vote, VoteSnapshot
from deliberate.domain.vote_table import TableVotes
from deliberate.errors import AnalysisError

__all__ = [
    "ONLINE",
    "ROOM",
    "ChannelFigure",
    "TallyCombiner",
    "channel_model",
    "with_channel_figures",
]

# The thresholds of "de zaal denkt er anders over" (deliberate.analysis.definitions).
ROOM = FindingRules()


@dataclass(frozen=True, slots=True)
class ChannelFigure:
    """The counts of one channel on one statement; ``from_tallies`` of them were hands."""

    statement_id: str
    channel: str
    agree: int
    disagree: int
    passed: int
    from_tallies: int

    @property
    def agree_share(self) -> float | None:
        """Agree among decided votes, or ``None`` when nobody decided."""
        decided = self.agree + self.disagree
        return self.agree / decided if decided else None


def _counts(name: str, array: npt.ArrayLike, shape: tuple[int, int, int]) -> npt.NDArray[np.int64]:
    values = np.asarray(array)
    if values.shape != shape:
        raise AnalysisError(f"{name} must have shape {shape}, not {values.shape}")
    if values.size and (
        not np.issubdtype(values.dtype, np.number)
        or not np.all(np.isfinite(values))
        or np.any(values < 0)
        or np.any(values != np.round(values))
    ):
        raise AnalysisError(f"{name} must hold whole, non-negative counts")
    return values.astype(np.int64)


def _benjamini_hochberg(p_values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    count = p_values.size
    if count == 0:
        return p_values
    order = np.argsort(p_values, kind="stable")
    scaled = p_values[order] * count / np.arange(1, count + 1)
    # Step-up: each adjusted value is the minimum of those at its rank and above.
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    result = np.empty(count)
    result[order] = np.minimum(adjusted, 1.0)
    return result


class TallyCombiner:
    """Combine individual votes and table tallies per statement, and compare room with online.

    Parameters
    ----------
    tally_weight : float, default=1.0
        Votes one tallied hand counts for in :attr:`combined_`, in ``[0, 1]``.
    min_count : int, default=10
        Decided votes each side needs before a difference can be flagged.
    min_difference : float, default=0.2
        Smallest difference in agree share (0 to 1) worth flagging.
    alpha : float, default=0.05
        False discovery rate of the flagged differences.

    Attributes
    ----------
    statement_ids_ : tuple of str
        Statements in column order, length ``S``.
    channels_ : tuple of str
        ``"online"`` first, then the sessions, length ``C``.
    votes_ : ndarray of shape (C, S, 3)
        Individual votes per channel: agree, disagree, pass.
    tallies_ : ndarray of shape (C, S, 3)
        Tallied hands per channel (the online row is zero).
    combined_ : ndarray of shape (S, 3)
        All votes plus ``tally_weight`` times all hands, as floats.
    differences_ : list of RoomComparison
        One per (session, statement) with enough votes on both sides to test.

    Examples
    --------
    >>> import numpy as np
    >>> votes = np.array([[[30, 10, 5]], [[2, 8, 0]]])  # online, then one session
    >>> tallies = np.array([[[0, 0, 0]], [[3, 9, 1]]])
    >>> model = TallyCombiner().fit(votes, tallies, channels=["online", "session:pijp"],
    ...                             statement_ids=["st-groen"])
    >>> model.combined_.tolist()
    [[35.0, 27.0, 6.0]]
    >>> model.differences_[0].flagged
    True
    """

    def __init__(
        self,
        *,
        tally_weight: float = 1.0,
        min_count: int = ROOM.room_min_count,
        min_difference: float = ROOM.room_min_difference,
        alpha: float = ROOM.room_alpha,
    ) -> None:
        self.tally_weight = tally_weight
        self.min_count = min_count
        self.min_difference = min_difference
        self.alpha = alpha

    def _check_parameters(self) -> None:
        if not 0.0 <= float(self.tally_weight) <= 1.0:
            raise AnalysisError("tally_weight must lie between 0 and 1")
        if int(self.min_count) < 1:
            raise AnalysisError("min_count must be at least 1")
        if not 0.0 <= float(self.min_difference) <= 1.0:
            raise AnalysisError("min_difference must lie between 0 and 1")
        if not 0.0 < float(self.alpha) < 1.0:
            raise AnalysisError("alpha must lie strictly between 0 and 1")

    def fit(
        self,
        votes: npt.ArrayLike,
        tallies: npt.ArrayLike,
        *,
        channels: Sequence[str],
        statement_ids: Sequence[str],
    ) -> Self:
        """Learn the combined counts and the room-versus-online differences.

        Parameters
        ----------
        votes, tallies : array-like of shape (C, S, 3)
            Counts per channel and statement: agree, disagree, pass. Channels are ``"online"``
            and one entry per session (fold tables into sessions with ``session_of``).
        channels : sequence of str, length C
            Must contain ``"online"`` exactly once.
        statement_ids : sequence of str, length S
        """
        self._check_parameters()
        channel_list, statement_list = list(channels), list(statement_ids)
        if len(set(channel_list)) != len(channel_list) or ONLINE not in channel_list:
            raise AnalysisError("channels must be distinct and include 'online'")
        if len(set(statement_list)) != len(statement_list):
            raise AnalysisError("statement ids must be distinct")
        shape = (len(channel_list), len(statement_list), 3)
        vote_counts, tally_counts = (
            _counts("votes", votes, shape),
            _counts("tallies", tallies, shape),
        )
        if np.any(tally_counts[channel_list.index(ONLINE)]):
            raise AnalysisError("online has no table tallies")
        order = [channel_list.index(ONLINE)] + [
            i for i, name in enumerate(channel_list) if name != ONLINE
        ]
        self.channels_ = tuple(channel_list[i] for i in order)
        self.statement_ids_ = tuple(statement_list)
        self.votes_ = vote_counts[order]
        self.tallies_ = tally_counts[order]
        self.combined_ = self.votes_.sum(axis=0) + float(self.tally_weight) * self.tallies_.sum(
            axis=0
        )
        self.differences_ = self._compare()
        return self

    def _compare(self) -> list[RoomComparison]:
        totals = self.votes_ + self.tallies_
        online_agree, online_decided = totals[0, :, 0], totals[0, :, 0] + totals[0, :, 1]
        rows, z_scores = [], []
        for index in range(1, len(self.channels_)):
            room_agree, room_decided = (
                totals[index, :, 0],
                totals[index, :, 0] + totals[index, :, 1],
            )
            for column in range(len(self.statement_ids_)):
                n_room, n_online = int(room_decided[column]), int(online_decided[column])
                if min(n_room, n_online) < self.min_count:
                    continue
                p_room = room_agree[column] / n_room
                p_online = online_agree[column] / n_online
                pooled = (room_agree[column] + online_agree[column]) / (n_room + n_online)
                spread = np.sqrt(pooled * (1 - pooled) * (1 / n_room + 1 / n_online))
                # Identical unanimity on both sides has no spread and no difference: z = 0.
                z_scores.append(float((p_room - p_online) / spread) if spread > 0 else 0.0)
                rows.append((index, column, float(p_room), float(p_online), n_room, n_online))
        raw = 2 * ndtr(-np.abs(np.asarray(z_scores, dtype=np.float64)))
        adjusted = _benjamini_hochberg(np.asarray(raw, dtype=np.float64))
        differences = []
        for (index, column, p_room, p_online, n_room, n_online), p_value in zip(
            rows, adjusted, strict=True
        ):
            difference = p_room - p_online
            differences.append(
                RoomComparison(
                    statement_id=self.statement_ids_[column],
                    channel=self.channels_[index],
                    room_agree_share=p_room,
                    online_agree_share=p_online,
                    room_decided=n_room,
                    online_decided=n_online,
                    difference=difference,
                    p_value=float(p_value),
                    flagged=bool(abs(difference) >= self.min_difference and p_value < self.alpha),
                )
            )
        return differences

    def figures(self) -> list[ChannelFigure]:
        """Per-channel counts for every statement, votes and hands together, online first."""
        totals = self.votes_ + self.tallies_
        return [
            ChannelFigure(
                statement_id=statement_id,
                channel=channel,
                agree=int(totals[index, column, 0]),
                disagree=int(totals[index, column, 1]),
                passed=int(totals[index, column, 2]),
                from_tallies=int(self.tallies_[index, column].sum()),
            )
            for column, statement_id in enumerate(self.statement_ids_)
            for index, channel in enumerate(self.channels_)
        ]

    def flagged(self) -> list[RoomComparison]:
        """The flagged differences, largest first."""
        chosen = [d for d in self.differences_ if d.flagged]
        return sorted(chosen, key=lambda d: (-abs(d.difference), d.statement_id, d.channel))


def channel_model(
    snapshot: VoteSnapshot, *, tally_weight: float = 1.0, votes: ChannelVotes | None = None
) -> TallyCombiner:
    """A :class:`TallyCombiner` fitted on the snapshot's votes per channel and its tallies.

    Channels are folded into sessions with :func:`session_of`; quarantined participants are left
    out, as in the vote matrix. Statement columns follow the snapshot's statement order.
    ``votes``: the snapshot's votes already counted per channel (the live worker keeps them).
    """
    statement_ids = [s.statement_id for s in snapshot.statements]
    column = {sid: j for j, sid in enumerate(statement_ids)}
    channel_of: dict[str, str] = {}
    if votes is None:
        kept = [p for p in snapshot.participants if not p.quarantined]
        channel_of = dict(zip([p.participant_id for p in kept], folded_channels(kept), strict=True))
    counted = votes.channels if votes is not None else channel_of.values()
    channels = sorted({ONLINE, *counted, *(session_of(t.channel) for t in snapshot.tallies)})
    row = {channel: i for i, channel in enumerate(channels)}
    counts = np.zeros((len(channels), len(statement_ids), 3), dtype=np.int64)
    tallies = np.zeros_like(counts)
    if votes is not None:
        counts[[row[channel] for channel in votes.channels]] = votes.counts
    elif isinstance(snapshot.votes, TableVotes):  # the store's arrays: no loop per vote
        table = snapshot.votes
        counts += table.outcome_counts(
            [row[channel_of[p]] if p in channel_of else -1 for p in table.participant_ids],
            [column.get(sid, -1) for sid in table.statement_ids],
            counts.shape,
        )
    else:
        outcome = {Vote.AGREE: 0, Vote.DISAGREE: 1, Vote.PASS: 2}
        for vote in snapshot.votes:
            channel = channel_of.get(vote.participant_id)
            if channel is not None and vote.statement_id in column:
                counts[row[channel], column[vote.statement_id], outcome[Vote(vote.value)]] += 1
    for tally in snapshot.tallies:
        if tally.statement_id in column:
            tallies[row[session_of(tally.channel)], column[tally.statement_id]] += (
                tally.agree,
                tally.disagree,
                tally.passed,
            )
    return TallyCombiner(tally_weight=tally_weight).fit(
        counts, tallies, channels=channels, statement_ids=statement_ids
    )


def with_channel_figures(
    result: AnalysisResult,
    snapshot: VoteSnapshot,
    *,
    tally_weight: float = 1.0,
    votes: ChannelVotes | None = None,
) -> AnalysisResult:
    """``result`` with per-channel figures, tally-inclusive counts and the room check added.

    Channels are folded into sessions with :func:`session_of`. Quarantined participants are
    left out, as in the vote matrix. Statements whose origin is not ``online`` are marked
    ``raised_at_table``. The groups and every other field stay as they were: tallies never
    enter the clustering.

    Parameters
    ----------
    result : AnalysisResult
        The result of analysing ``snapshot``.
    snapshot : VoteSnapshot
        Its votes, channels and table tallies.
    tally_weight : float, default=1.0
        Votes one tallied hand counts for in ``combined`` (see :class:`TallyCombiner`).
    votes : ChannelVotes, optional
        The snapshot's votes counted per channel, when the caller keeps them.
    """
    statement_ids = [s.statement_id for s in snapshot.statements]
    model = channel_model(snapshot, tally_weight=tally_weight, votes=votes)
    by_statement: dict[str, dict[str, ChannelCounts]] = {}
    for figure in model.figures():
        if figure.agree + figure.disagree + figure.passed:
            by_statement.setdefault(figure.statement_id, {})[figure.channel] = ChannelCounts(
                figure.agree, figure.disagree, figure.passed, figure.from_tallies
            )
    hands = model.tallies_.sum(axis=(0, 2))
    combined = {}
    for j in np.flatnonzero(hands).tolist():
        agree, disagree, passes = (float(x) for x in model.combined_[j])
        decided = agree + disagree
        combined[statement_ids[j]] = CombinedCounts(
            agree, disagree, passes, agree / decided if decided > 0 else None
        )
    digest = result.input_digest
    if snapshot.tallies:
        # Tallies change the figures, so they are part of the input: fold them into the digest
        # (results without tallies keep the digest of the votes alone).
        lines = sorted(
            f"{t.channel}\x1f{t.statement_id}\x1f{t.agree}\x1f{t.disagree}\x1f{t.passed}"
            for t in snapshot.tallies
        )
        text = "\x1e".join([digest, *lines]).encode()
        digest = f"sha256:{hashlib.sha256(text).hexdigest()}"
    origins = {s.statement_id: s.origin for s in snapshot.statements}
    statements = {
        sid: summary
        if summary.origin == (origin := origins.get(sid, ONLINE))
        and summary.raised_at_table == (origin != ONLINE)
        else dataclasses.replace(summary, origin=origin, raised_at_table=origin != ONLINE)
        for sid, summary in result.statements.items()
    }
    return dataclasses.replace(
        result,
        input_digest=digest,
        statements=statements,
        channels=by_statement,
        tally_weight=float(tally_weight),
        tally_hands=int(model.tallies_.sum()),
        combined=combined,
        room_differences=tuple(model.differences_),
    )
