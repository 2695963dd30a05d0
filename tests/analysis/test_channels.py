"""Per-channel figures and table tallies in the analysis result; tallies never enter groups."""

from __future__ import annotations

import dataclasses

import pytest

from deliberate.analysis import analyse
from deliberate.analysis.result import AnalysisResult
from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotTally,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)

ROOM = "session:pijp"
TABLE = f"{ROOM}/table:1"


def _snapshot(tallies: tuple[SnapshotTally, ...] = ()) -> VoteSnapshot:
    statements = tuple(
        SnapshotStatement(f"s{j}", f"Stelling {j}", origin=TABLE if j == 3 else "online")
        for j in range(4)
    )
    participants = tuple(
        SnapshotParticipant(f"p{i:02}", channel=TABLE if i >= 24 else "online") for i in range(30)
    )
    votes = []
    for i in range(30):
        for j in range(4):
            if i >= 24:  # the room agrees with everything
                value = Vote.AGREE
            else:
                value = Vote.AGREE if (i % 2 == 0) == (j % 2 == 0) else Vote.DISAGREE
            votes.append(SnapshotVote(f"p{i:02}", f"s{j}", value))
    return VoteSnapshot("c", statements, participants, tuple(votes), tallies=tallies)


def test_channels_fold_tables_into_sessions_and_count_tallies() -> None:
    tallies = (SnapshotTally(TABLE, "s1", agree=20, disagree=0, passed=2),)
    result = analyse(_snapshot(tallies), tally_weight=0.5)
    s1 = result.statements["s1"]
    online, room = result.channels["s1"]["online"], result.channels["s1"][ROOM]
    assert (online.agree, online.disagree, online.from_tallies) == (12, 12, 0)
    assert (room.agree, room.disagree, room.passes, room.from_tallies) == (26, 0, 2, 22)
    assert (s1.agree, s1.disagree) == (18, 12)  # the summary counts people, not hands
    combined = result.combined["s1"]
    assert (combined.agree, combined.disagree, combined.passes) == (28.0, 12.0, 1.0)
    assert combined.agree_share == pytest.approx(0.7)
    assert result.tally_hands == 22
    assert result.tally_weight == 0.5
    assert "s0" not in result.combined  # no hands there: the plain counts say it all
    flagged = {(d.statement_id, d.channel) for d in result.room_differences if d.flagged}
    assert ("s1", ROOM) in flagged


def test_tallies_never_change_the_groups_or_the_map() -> None:
    plain = analyse(_snapshot())
    tallies = (SnapshotTally(TABLE, s, agree=40, disagree=3, passed=0) for s in ("s0", "s2"))
    tallied = analyse(_snapshot(tuple(tallies)))
    assert tallied.groups == plain.groups
    assert tallied.projection == plain.projection
    assert tallied.consensus == plain.consensus
    assert tallied.tally_hands == 86
    # The tallies are part of the input: the digest changes with them.
    assert tallied.input_digest != plain.input_digest


def test_statements_first_raised_at_a_table_are_marked() -> None:
    result = analyse(_snapshot())
    assert result.statements["s3"].raised_at_table
    assert result.statements["s3"].origin == TABLE
    assert not result.statements["s0"].raised_at_table


def test_json_round_trips_and_old_files_still_read() -> None:
    result = analyse(_snapshot((SnapshotTally(TABLE, "s1", agree=3, disagree=1, passed=0),)))
    data = result.to_json()
    read = AnalysisResult.from_json(data)
    assert read.to_json() == data
    assert read.channels == result.channels
    assert read.combined["s1"].agree_share == pytest.approx(result.combined["s1"].agree_share)
    assert read.statements["s3"].raised_at_table
    # A result written before channels existed reads with empty channel figures.
    old = dataclasses.replace(result, channels={}, combined={}, room_differences=())
    raw = old.to_json().decode()
    for key in ('"channels":{},', '"combined":{},', '"room_differences":[],'):
        assert key in raw
        raw = raw.replace(key, "")
    assert AnalysisResult.from_json(raw).channels == {}
