"""The live worker's result bytes come out the same whether carried over or computed afresh.

Each live update carries the votes per channel over from the last update (the changed
participants' old votes out, their new ones in) and reuses the JSON text of every statement and
group that did not change. After each step of a sequence (changed votes, new votes, people who
join online and at a new table, a quarantined newcomer, table tallies, a new statement) the
stored bytes must be those of a fresh ``with_channel_figures(...).to_json()`` of the same model.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from deliberate.analysis import VoteMatrix
from deliberate.analysis.channel_votes import ChannelVotes
from deliberate.analysis.result import JsonFragments
from deliberate.analysis.simulate import simulate_arrays
from deliberate.analysis.tallies import with_channel_figures
from deliberate.config import Settings
from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotTally,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.live_analysis import LiveAnalyses
from deliberate.live_votes import LiveVotes

PEOPLE, STATEMENTS = 120, 12
CHANNELS = ("online", "online", "session:pijp/table:1", "session:pijp/table:2", "session:oost")


def _snapshot() -> VoteSnapshot:
    rows, cols, values, _ = simulate_arrays(
        n_participants=PEOPLE,
        n_statements=STATEMENTS,
        group_sizes=(0.6, 0.4),
        density=0.7,
        noise=0.05,
        random_state=5,
    )
    people = [
        SnapshotParticipant(f"p{i:04d}", CHANNELS[i % len(CHANNELS)], quarantined=i == 7)
        for i in range(PEOPLE)
    ]
    statements = [SnapshotStatement(f"s{j:03d}", f"Stelling {j}") for j in range(STATEMENTS)]
    votes = [
        SnapshotVote(f"p{r:04d}", f"s{c:03d}", Vote(v), 1.0)
        for r, c, v in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True)
    ]
    return VoteSnapshot("c", statements, people, votes)


def _fresh(live: LiveAnalyses, snapshot: VoteSnapshot) -> bytes:
    model = live.models["c"]
    return with_channel_figures(model.result, snapshot, tally_weight=0.5).to_json()


def _votes(people: list[str], statements: range, value: int, at: float) -> list[SnapshotVote]:
    return [SnapshotVote(p, f"s{j:03d}", Vote(value), at) for p in people for j in statements]


def test_updates_store_the_bytes_of_a_fresh_computation() -> None:
    live = LiveAnalyses(Settings(tally_weight=0.5))
    copy = LiveVotes(_snapshot())
    assert live.result("c", copy.snapshot, None, None) == _fresh(live, copy.snapshot)
    steps: list[list[SnapshotVote]] = [
        _votes(["p0001", "p0002"], range(3), -1, 2.0),  # changed positions
        _votes(["p0003"], range(STATEMENTS), 0, 3.0),  # new cells and changed ones
        _votes(["p0004"], range(1), 1, 4.0) + _votes(["p0004"], range(1), -1, 4.5),
    ]
    for changes in steps:
        snapshot = copy.apply(changes)
        payload = live.result("c", snapshot, {c.participant_id for c in changes}, None)
        assert payload == _fresh(live, snapshot)
    updates = live.updates
    assert updates == len(steps)

    # People join: online, at a table of a session nobody voted in yet, and one quarantined.
    joined = [
        SnapshotParticipant("q0001", "online"),
        SnapshotParticipant("q0002", "session:west/table:3"),
        SnapshotParticipant("q0003", "online", quarantined=True),
    ]
    before = copy.snapshot
    assert copy.with_participants([*before.participants, *joined])
    changes = _votes(["q0001", "q0002", "q0003"], range(5), 1, 5.0)
    snapshot = copy.apply(changes)
    payload = live.result("c", snapshot, set(), None)  # newcomers need not be named
    assert live.updates == updates + 1
    assert payload == _fresh(live, snapshot)
    assert b"session:west" in payload

    # Table tallies are read with the snapshot: they count in the figures of the next update.
    tallies = [SnapshotTally("session:oost/table:1", "s001", 9, 2, 1)]
    snapshot = replace(copy.apply(_votes(["p0005"], range(2), -1, 6.0)), tallies=tallies)
    assert live.result("c", snapshot, {"p0005"}, None) == _fresh(live, snapshot)

    # A new statement renumbers the columns: everything is counted again.
    statements = [*snapshot.statements, SnapshotStatement("s999", "Nieuw")]
    votes = [*snapshot.votes, SnapshotVote("p0006", "s999", Vote.AGREE, 7.0)]
    grown = replace(snapshot, statements=statements, votes=votes)
    assert live.result("c", grown, {"p0006"}, None) == _fresh(live, grown)


def test_the_counts_follow_only_the_participants_named_as_changed() -> None:
    """The carried-over counts equal a fresh count, and really are carried over.

    Left out of ``changed``, a participant's new votes are not counted: the update does not
    count the votes again (which would cost a pass over every vote).
    """
    copy = LiveVotes(_snapshot())
    first = copy.snapshot
    counted = ChannelVotes.count(VoteMatrix.from_snapshot(first), first)
    changes = _votes(["p0002", "p0010"], range(STATEMENTS), -1, 2.0)
    second = copy.apply(changes)
    matrix = VoteMatrix.from_snapshot(second)
    fresh = ChannelVotes.count(matrix, second)
    carried = counted.advance(matrix, second, {"p0002", "p0010"})
    assert carried.channels == fresh.channels == ("online", "session:oost", "session:pijp")
    assert np.array_equal(carried.counts, fresh.counts)
    assert not np.array_equal(counted.counts, fresh.counts)
    partial = counted.advance(matrix, second, {"p0002"})
    assert not np.array_equal(partial.counts, fresh.counts)


def test_reused_json_equals_the_json_written_in_full() -> None:
    live = LiveAnalyses(Settings())
    copy = LiveVotes(_snapshot())
    live.result("c", copy.snapshot, None, None)
    reuse = JsonFragments()
    for n in range(4):
        snapshot = copy.apply(_votes([f"p{n + 20:04d}"], range(n, n + 4), (-1, 0, 1)[n % 3], 9.0))
        live.result("c", snapshot, {f"p{n + 20:04d}"}, None)
        result = with_channel_figures(live.models["c"].result, snapshot)
        assert result.to_json(reuse) == result.to_json()
    # An entry equal to the last one written under its key is copied, whatever object holds it.
    changed = replace(result, statements={**result.statements, "s000": result.statements["s001"]})
    assert changed.to_json(reuse) == changed.to_json()
