"""Every sentence of the advice is true of the votes, on generated consultations (Hypothesis).

A consultation is planted: groups of chosen sizes (one group, tiny groups below the privacy
threshold, large ones) that vote apart on anchor statements, and probe statements on which each
group's votes are drawn to sit on the rules' edges: exactly half, 60%, 75% or 80% agree, all but
one, everyone passing, nobody voting. The analysis then forms its own groups (not always the
planted ones, which is fine: every check reads the ledger's groups and the votes). The advice is
drafted in Dutch and English and read back by :func:`truth.audit`.
"""

from __future__ import annotations

import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples
from truth import audit

from deliberate.analysis.pipeline import analyse
from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.errors import AnalysisWarning

ANCHORS = 8
# Shares of agree votes on a rule's edge, and a few off it.
EDGES = (0.0, 0.5, 0.6, 0.75, 0.8, 1.0, "all_but_one", "one", "all_pass", "silent", "free")

SIZES = st.one_of(
    st.integers(min_value=1, max_value=4),  # below the privacy threshold
    st.integers(min_value=5, max_value=12),
    st.integers(min_value=20, max_value=70),
)


@st.composite
def consultations(draw: st.DrawFn) -> VoteSnapshot:
    sizes = draw(st.lists(SIZES, min_size=1, max_size=4))
    n_probes = draw(st.integers(min_value=1, max_value=6))
    statements = [SnapshotStatement(str(j + 1), f"Stelling over onderwerp {j + 1}")
                  for j in range(ANCHORS + n_probes)]  # fmt: skip
    participants, votes = [], []
    for g, size in enumerate(sizes):
        # Anchor j: group g agrees when bit (j + g) of the pattern is set, else disagrees.
        pattern = [(j * 7 + g * 3) % 5 < 2 + (g % 2) for j in range(ANCHORS)]
        edges = [draw(st.sampled_from(EDGES)) for _ in range(n_probes)]
        for i in range(size):
            pid = f"g{g}p{i}"
            participants.append(SnapshotParticipant(pid))
            for j, agrees in enumerate(pattern):
                anchor = Vote.AGREE if agrees else Vote.DISAGREE
                votes.append(SnapshotVote(pid, str(j + 1), anchor, 1.0))
            for k, edge in enumerate(edges):
                vote = _probe_vote(edge, i, size, draw)
                if vote is not None:
                    votes.append(SnapshotVote(pid, str(ANCHORS + k + 1), vote, 2.0))
    return VoteSnapshot("truth", statements, participants, votes)


def _probe_vote(edge: object, i: int, size: int, draw: st.DrawFn) -> Vote | None:
    """Member ``i`` of a group of ``size``: its vote so that the group lands on ``edge``."""
    if edge == "silent":
        return None
    if edge == "all_pass":
        return Vote.PASS
    if edge == "free":
        return draw(st.sampled_from([Vote.AGREE, Vote.DISAGREE, Vote.PASS, None]))
    if edge == "all_but_one":
        return Vote.DISAGREE if i == 0 else Vote.AGREE
    if edge == "one":
        return Vote.AGREE if i == 0 else Vote.DISAGREE
    assert isinstance(edge, float)
    # The first round(edge * size) members agree; of the rest, every third passes.
    if i < round(edge * size):
        return Vote.AGREE
    return Vote.PASS if i % 3 == 2 and edge not in (0.5, 0.75) else Vote.DISAGREE


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(snapshot=consultations(), privacy_k=st.sampled_from([5, 5, 10]))
def test_every_sentence_of_the_advice_is_true_of_the_votes(
    snapshot: VoteSnapshot, privacy_k: int
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(snapshot)
    audit(result, snapshot, privacy_k=privacy_k)
