"""The groups depend on the votes, never on the participants' ids or the order they are read in.

Participant ids are random pseudonyms and the store reads participants in joining order with
the id as tiebreak, so before the model saw its rows in an order of their own, the same votes
gave different groups: the demo at 150 residents gave 3 groups for some renamings and 4 for
others (8 renamings, 7 different partitions; now all 8 give the same 4 groups). Polis mode
keeps the input order, which is part of Polis's own algorithm (order of first vote).
"""

from __future__ import annotations

import dataclasses
import random
import warnings

import pytest

from deliberate.analysis.pipeline import analyse
from deliberate.analysis.result import AnalysisResult
from deliberate.analysis.simulate import simulate_votes
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import AnalysisWarning


def _renamed(snapshot: VoteSnapshot, seed: int) -> tuple[VoteSnapshot, dict[str, str]]:
    """The same votes under new random ids, participants and votes in a new order."""
    rng = random.Random(seed)
    new = {p.participant_id: f"x{rng.getrandbits(48):012x}" for p in snapshot.participants}
    people = [
        dataclasses.replace(p, participant_id=new[p.participant_id]) for p in snapshot.participants
    ]
    participants = sorted(people, key=lambda p: p.participant_id)
    votes = [dataclasses.replace(v, participant_id=new[v.participant_id]) for v in snapshot.votes]
    rng.shuffle(votes)  # one vote per cell here, so the order of the log changes nothing else
    back = {renamed: original for original, renamed in new.items()}
    return dataclasses.replace(snapshot, participants=participants, votes=votes), back


def _groups(result: AnalysisResult, back: dict[str, str] | None = None) -> dict[int, frozenset]:
    name = back or {}
    return {g.id: frozenset(name.get(m, m) for m in g.participants) for g in result.groups}


def _analyse(snapshot: VoteSnapshot) -> AnalysisResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        return analyse(snapshot)


@pytest.fixture(scope="module")
def consultation() -> VoteSnapshot:
    # A small group near the edge of being found, as the demo's young residents at 150.
    snapshot, _ = simulate_votes(
        n_participants=150,
        n_statements=24,
        group_sizes=(0.45, 0.33, 0.17, 0.05),
        density=0.6,
        noise=0.3,
        random_state=3,
    )
    rows: dict[str, set[tuple[str, int]]] = {}
    for vote in snapshot.votes:
        rows.setdefault(vote.participant_id, set()).add((vote.statement_id, int(vote.value)))
    # No two participants with the same votes: those are one point to the model, and which of
    # the two the data names first is the one thing the votes cannot decide.
    assert len({frozenset(r) for r in rows.values()}) == len(rows)
    return snapshot


def test_renaming_the_participants_gives_the_same_groups(consultation: VoteSnapshot) -> None:
    reference = _analyse(consultation)
    assert len(reference.groups) >= 2
    for seed in range(4):
        renamed, back = _renamed(consultation, seed)
        result = _analyse(renamed)
        assert _groups(result, back) == _groups(reference), f"renaming {seed}"
        assert result.verdicts == reference.verdicts
        assert [(m.statement_id, m.group_id) for m in result.minority_positions] == [
            (m.statement_id, m.group_id) for m in reference.minority_positions
        ]
