"""The array readers give exactly the matrix that the per-vote snapshot path gives."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from support import POLIS_GOLDEN, POLIS_OPEN_DATA, REPO_ROOT, requires_shared

from deliberate.analysis import VoteMatrix
from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.domain.vote_table import VoteTable
from deliberate.errors import AnalysisError, InvalidUpload
from deliberate.interop.csv_columns import read_number_columns
from deliberate.interop.polis import read_polis_export, read_polis_golden, read_polis_table
from deliberate.interop.snapshot_json import snapshot_to_json
from deliberate.interop.vote_files import read_snapshot_table, read_vote_table


def _same(left: VoteMatrix, right: VoteMatrix) -> None:
    assert left.participant_ids == right.participant_ids
    assert left.statement_ids == right.statement_ids
    assert left.digest() == right.digest()


def _folders() -> list[Path]:
    if not POLIS_OPEN_DATA.is_dir():
        return []
    return sorted(p for p in POLIS_OPEN_DATA.iterdir() if (p / "comments.csv").is_file())


@requires_shared
@pytest.mark.parametrize("folder", _folders(), ids=lambda p: p.name)
def test_polis_table_gives_the_snapshot_matrix(folder: Path) -> None:
    table = read_polis_table(folder)
    snapshot = read_polis_export(folder)
    _same(VoteMatrix.from_table(table), VoteMatrix.from_snapshot(snapshot))
    groups = {
        p.participant_id: dict(p.attributes).get("polis-group-id", "")
        for p in snapshot.participants
    }
    assert (
        dict(zip(table.participant_ids, table.attribute("polis-group-id"), strict=True)) == groups
    )


@requires_shared
def test_a_golden_folder_reads_through_the_snapshot() -> None:
    folder = next(p for p in sorted(POLIS_GOLDEN.iterdir()) if (p / "votes.json").is_file())
    _same(
        VoteMatrix.from_table(read_vote_table(folder)),
        VoteMatrix.from_snapshot(read_polis_golden(folder)),
    )


def _snapshot() -> VoteSnapshot:
    statements = [SnapshotStatement("a", "Een"), SnapshotStatement("b", "Twee", included=False)]
    participants = [
        SnapshotParticipant("p1"),
        SnapshotParticipant("p2", quarantined=True),
        SnapshotParticipant("p3"),
    ]
    votes = [
        SnapshotVote("p3", "a", Vote.AGREE, 5.0),
        SnapshotVote("p1", "a", Vote.DISAGREE, 2.0),
        SnapshotVote("p2", "b", Vote.PASS, 3.0),
        SnapshotVote("p1", "a", Vote.AGREE, 1.0),  # older: the disagree at t=2 stands
        SnapshotVote("p1", "b", Vote.PASS, 4.0),
    ]
    return VoteSnapshot("c", statements, participants, votes)


def test_snapshot_file_table_leaves_out_quarantined_people(tmp_path: Path) -> None:
    snapshot = _snapshot()
    table = read_snapshot_table(snapshot_to_json(snapshot))
    assert table.participant_ids == ("p1", "p3")
    matrix = VoteMatrix.from_table(table)
    _same(matrix, VoteMatrix.from_snapshot(snapshot))
    assert matrix.tally()[0].tolist() == [1, 1, 0]
    path = tmp_path / "snapshot.json"
    path.write_bytes(snapshot_to_json(snapshot))
    _same(VoteMatrix.from_table(read_vote_table(path)), matrix)
    assert read_vote_table(path).texts == ("Een", "Twee")


def test_unknown_ids_are_typed_errors() -> None:
    snapshot = _snapshot()
    stray = replace(snapshot, votes=[*snapshot.votes, SnapshotVote("p9", "a", Vote.AGREE)])
    with pytest.raises(AnalysisError, match="unknown participant or statement"):
        VoteMatrix.from_table(VoteTable.from_snapshot(stray))
    with pytest.raises(AnalysisError, match="unknown participant or statement"):
        VoteMatrix.from_table(read_snapshot_table(snapshot_to_json(stray)))
    with pytest.raises(InvalidUpload):
        read_snapshot_table(json.dumps({"schema": "deliberate.snapshot/1", "votes": [[1]]}))


def test_number_columns_read_quotes_decimals_and_empty_files(tmp_path: Path) -> None:
    path = tmp_path / "votes.csv"
    path.write_text('b,"a",c\n1,"x, y",2.5\n-3,z,4\n', encoding="utf-8")
    read = read_number_columns(path, ["c", "b"])
    assert read["c"].tolist() == [2.5, 4.0]
    assert read["b"].tolist() == [1.0, -3.0]
    path.write_text("b,c\n", encoding="utf-8")
    assert read_number_columns(path, ["c"])["c"].size == 0
    with pytest.raises(InvalidUpload, match="lacks the column d"):
        read_number_columns(path, ["d"])
    path.write_text("b,c\n1,zwei\n", encoding="utf-8")
    with pytest.raises(InvalidUpload):
        read_number_columns(path, ["c"])


def test_polis_votes_must_be_whole_and_in_range(tmp_path: Path) -> None:
    (tmp_path / "comments.csv").write_text(
        "comment-id,moderated,comment-body\n0,1,Een\n", encoding="utf-8"
    )
    votes = tmp_path / "votes.csv"
    votes.write_text("timestamp,comment-id,voter-id,vote\n1,0,5,2\n", encoding="utf-8")
    with pytest.raises(InvalidUpload, match="A vote of 2"):
        read_polis_table(tmp_path)
    votes.write_text("timestamp,comment-id,voter-id,vote\n1,0,5.5,1\n", encoding="utf-8")
    with pytest.raises(InvalidUpload, match="whole number"):
        read_polis_table(tmp_path)
    # A vote on a statement missing from comments.csv is kept, out of the analysis.
    votes.write_text("timestamp,comment-id,voter-id,vote\n1,0,5,1\n2,9,5,-1\n", encoding="utf-8")
    table = read_polis_table(tmp_path)
    assert table.statement_ids == ("0", "9")
    assert table.included.tolist() == [True, False]
    assert np.array_equal(table.statement, [0, 1])


def test_help_loads_no_heavy_module() -> None:
    """`deliberate --help` lists every command without importing numpy, the store or sklearn."""
    code = (
        "import sys\n"
        "from deliberate.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('numpy', 'sklearn', 'sqlalchemy', 'deliberate.service')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert done.stdout.strip().endswith("[]")
    for name in ("analyze", "report", "serve", "tables", "worker"):
        assert f"  {name} " in done.stdout
