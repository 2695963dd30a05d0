"""The parts of an analysis result: groups, findings, and the counts behind each of them.

Frozen values, re-exported by :mod:`deliberate.analysis.result`, whose :class:`AnalysisResult`
holds them and writes them to canonical JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "BridgingStatement",
    "ChannelCounts",
    "CombinedCounts",
    "ConsensusStatement",
    "DivisiveStatement",
    "Group",
    "MinorityPosition",
    "RepresentativeStatement",
    "RoomComparison",
    "StatementSummary",
    "VoteCounts",
]


@dataclass(frozen=True, slots=True)
class VoteCounts:
    """Agree, disagree and pass counts (JSON key ``pass`` for ``passes``)."""

    agree: int = 0
    disagree: int = 0
    passes: int = 0


@dataclass(frozen=True, slots=True)
class RepresentativeStatement:
    """A statement that sets a group apart (Polis repness).

    ``score`` is Polis's metric ``repness · repness_test · p_success · p_test``. ``n_success`` of
    the group's ``n_trials`` votes went in ``direction``; ``p_success`` is the smoothed share
    ``(n_success + 1) / (n_trials + 2)`` and ``p_test`` its z against one half. ``repness`` is the
    ratio of that share to the rest's, ``repness_test`` the two-proportion z, ``p_value`` its
    one-sided p-value. ``best_agree`` marks Polis's chosen best agreed statement.
    """

    statement_id: str
    direction: str
    score: float
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    p_value: float
    best_agree: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    """An opinion group.

    ``id`` is stable across recomputes (matched to the previous result's groups by membership);
    ``label`` is the letter shown to people ("A" for id 0). ``center`` is the mean map position of
    the members. ``suppressed`` groups are below ``privacy_k`` (or hidden with such a group, see
    :mod:`deliberate.analysis.disclosure`) and carry no figures.
    """

    id: int
    label: str
    size: int
    participants: tuple[str, ...]
    representative: tuple[RepresentativeStatement, ...]
    suppressed: bool
    center: tuple[float, float]


@dataclass(frozen=True, slots=True)
class ConsensusStatement:
    """A statement that holds in every group.

    Polis mode: Polis's overall consensus (``score = p_success · p_test`` over everyone).
    Deliberate mode: every group's smoothed share in ``direction`` reaches ``consensus_share``;
    ``score`` is the geometric mean of those shares, ``group_shares`` gives them per group.
    ``n_success`` of ``n_trials`` votes overall went in ``direction``.
    """

    statement_id: str
    direction: str
    score: float
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    group_shares: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BridgingStatement:
    """Agreement that holds across groups.

    ``score`` is the geometric mean over groups of the smoothed agree share
    ``(agree + 1) / (votes + 2)``: high only when every group agrees. ``min_group_agree`` is the
    lowest of those shares, ``agree_share`` the raw share over everyone and ``n_votes`` the votes.
    """

    statement_id: str
    score: float
    agree_share: float
    min_group_agree: float
    n_votes: int
    group_agree: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DivisiveStatement:
    """A statement that splits the groups.

    ``score`` is the largest difference between one group's smoothed agree share and the rest's
    (Sensemaker's difference of opinion). ``group_agree`` gives each group's smoothed share.
    """

    statement_id: str
    score: float
    n_votes: int
    group_agree: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MinorityPosition:
    """A statement a smaller group supports while the others do not.

    ``support`` of the group's ``group_votes`` votes were agree (``group_agree`` is that share);
    ``others_agree`` is the share among the ``others_votes`` votes of everyone else in a group;
    ``z`` is the two-proportion test and ``p_value`` its one-sided p-value. For a suppressed group
    every figure is ``None`` (R-D5): the position is reported, its numbers are not.
    """

    statement_id: str
    group_id: int
    suppressed: bool
    group_size: int | None
    group_agree: float | None
    others_agree: float | None
    support: int | None
    group_votes: int | None
    others_votes: int | None
    z: float | None
    p_value: float | None


@dataclass(frozen=True, slots=True)
class StatementSummary:
    """Vote counts of one statement, overall and per (unsuppressed) group.

    ``included`` is False for statements moderated out; ``group_informed_consensus`` is Polis's
    product over groups of ``(agree + 1) / (seen + 2)`` (None without groups).
    """

    text: str
    included: bool
    agree: int
    disagree: int
    passes: int
    by_group: dict[int, VoteCounts]
    group_informed_consensus: float | None
    origin: str = "online"
    raised_at_table: bool = False


@dataclass(frozen=True, slots=True)
class ChannelCounts:
    """One channel's counts on one statement: votes plus tallied hands (``from_tallies``).

    The channel is ``"online"`` or a session (``session:<id>``); tables fold into their session.
    """

    agree: int = 0
    disagree: int = 0
    passes: int = 0
    from_tallies: int = 0


@dataclass(frozen=True, slots=True)
class CombinedCounts:
    """All votes plus ``tally_weight`` times all tallied hands on one statement.

    ``agree_share`` is agree among decided (agree + disagree), ``None`` when nobody decided.
    """

    agree: float
    disagree: float
    passes: float
    agree_share: float | None


@dataclass(frozen=True, slots=True)
class RoomComparison:
    """One session compared with online on one statement (see :mod:`analysis.tallies`).

    ``difference`` is the room's agree share minus online's; ``p_value`` is Benjamini–Hochberg
    adjusted; ``flagged`` marks a difference worth the facilitators' attention.
    """

    statement_id: str
    channel: str
    room_agree_share: float
    online_agree_share: float
    room_decided: int
    online_decided: int
    difference: float
    p_value: float
    flagged: bool
