from __future__ import annotations

from pathlib import Path

import pytest

from deliberate.domain.snapshot import Vote
from deliberate.errors import InvalidUpload
from deliberate.interop import (
    polis_api_vote,
    read_polis_export,
    snapshot_from_json,
    snapshot_to_json,
)

from .builders import snapshot_from_rows


def test_polis_api_sign_is_flipped_in_one_place() -> None:
    assert polis_api_vote(-1) is Vote.AGREE
    assert polis_api_vote(1) is Vote.DISAGREE
    assert polis_api_vote(0) is Vote.PASS
    with pytest.raises(InvalidUpload):
        polis_api_vote(2)


def _write_export(folder: Path) -> None:
    (folder / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        '1,x,0,0,1,0,1,"Meer bomen, graag"\n'
        "2,x,1,0,0,1,-1,Weg ermee\n",
        encoding="utf-8",
    )
    (folder / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "1500000000000,x,0,7,-1\n"
        "1500000001000,x,0,7,1\n"
        "1500000000500,x,1,3,-1\n",
        encoding="utf-8",
    )


def test_read_polis_export_keeps_the_latest_vote_and_moderation(tmp_path: Path) -> None:
    _write_export(tmp_path)
    snapshot = read_polis_export(tmp_path)
    assert [s.included for s in snapshot.statements] == [True, False]
    assert snapshot.statements[0].text == "Meer bomen, graag"
    # Participant order is the order of first votes: 7 voted first.
    assert [p.participant_id for p in snapshot.participants] == ["7", "3"]
    from deliberate.analysis import VoteMatrix

    matrix = VoteMatrix.from_snapshot(snapshot)
    assert matrix.tally()[0].tolist() == [1, 0, 0]  # the re-vote (agree) wins


def test_a_folder_without_comments_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidUpload, match=r"comments\.csv"):
        read_polis_export(tmp_path)


def test_snapshot_json_round_trips() -> None:
    snapshot = snapshot_from_rows([[1, -1, None], [0, 1, 1]], excluded=[2])
    data = snapshot_to_json(snapshot)
    again = snapshot_from_json(data)
    assert snapshot_to_json(again) == data
    assert again.statements[2].included is False


def test_foreign_snapshot_json_is_a_typed_error() -> None:
    with pytest.raises(InvalidUpload):
        snapshot_from_json(b'{"schema": "x"}')
    with pytest.raises(InvalidUpload):
        snapshot_from_json(b'{"schema": "deliberate.snapshot/1"}')


def test_an_export_with_comments_only_reads_as_a_conversation_without_votes(tmp_path: Path) -> None:
    _write_export(tmp_path)
    (tmp_path / "votes.csv").unlink()
    snapshot = read_polis_export(tmp_path)
    assert len(snapshot.statements) == 2
    assert list(snapshot.votes) == []
