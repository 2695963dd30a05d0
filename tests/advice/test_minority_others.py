"""A minority sentence compares the group with everyone else as the rule does: hidden groups too.

The rule says a minority position is one the group agrees with by a majority while the other
groups together do not. The sentence printed the other groups' share over the *shown* groups
only; with a hidden group that disagrees, that share could be a majority ("In de andere groepen
is 53% het eens") beside a finding that says the others do not agree.
"""

from __future__ import annotations

import warnings

from truth import audit

from deliberate.advice import draft_advice
from deliberate.analysis.pipeline import analyse
from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.errors import AnalysisWarning

# name: (size, votes on the 16 anchor statements, how many agree with the probe)
PLAN = {
    "A": (40, "1111000011110000", 21),  # 21 of 40: a majority among the shown others
    "M": (12, "0000111100001111", 12),  # the minority: everyone agrees
    "S": (6, "1100110011001100", 0),  # hidden with H, so that H cannot be subtracted
    "H": (3, "0011001100110011", 0),  # below the privacy threshold
}


def _snapshot() -> VoteSnapshot:
    participants, votes = [], []
    for name, (size, pattern, agree) in PLAN.items():
        for i in range(size):
            pid = f"{name}{i}"
            participants.append(SnapshotParticipant(pid))
            for j, sign in enumerate(pattern):
                anchor = Vote.AGREE if sign == "1" else Vote.DISAGREE
                votes.append(SnapshotVote(pid, str(j + 1), anchor, 1.0))
            probe = Vote.AGREE if i < agree else Vote.DISAGREE
            votes.append(SnapshotVote(pid, "99", probe, 2.0))
    statements = [SnapshotStatement(str(j + 1), f"Anker {j + 1}") for j in range(16)]
    statements.append(SnapshotStatement("99", "De proef"))
    return VoteSnapshot("minority-others", statements, participants, votes)


def test_the_other_groups_share_counts_the_hidden_groups() -> None:
    snapshot = _snapshot()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(snapshot)
    assert [(g.size, g.suppressed) for g in result.groups] == [
        (40, False), (12, False), (6, True), (3, True),
    ]  # fmt: skip
    sentences = [
        finding.sentence
        for finding in draft_advice(result, snapshot).section("minority").findings
        if finding.evidence[0].statement_id == "99"
    ]
    # 21 of the 49 people in the other groups agree (43%); the shown group A alone has 53%.
    assert sentences == [
        "In Groep B (12 mensen) is 100% het eens met stelling 99: “De proef” (12 van 12 "
        "stemmen). In de andere groepen is 43% het eens (21 van 49 stemmen)."
    ]
    audit(result, snapshot)
