"""Erasure and the retention purge leave no trace in SQLite's files, the -wal file included.

Deleting a row is not enough on SQLite: the bytes stay in the page's free space, and in WAL mode
the pages as they were stay in the ``-wal`` file until a checkpoint. ``secure_delete`` zeroes
the first, a truncating checkpoint after the removal empties the second.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from store.builders import open_consultation

from deliberate.service import Service


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: these tests read the database's own files (PostgreSQL has no such files)."""
    return f"sqlite:///{tmp_path / 'store.db'}"


def _sqlite_files(service: Service) -> list[Path]:
    assert service.store.dialect == "sqlite"
    database = service.store.engine.url.database
    assert database
    return [Path(database), Path(f"{database}-wal")]


def _files_mentioning(files: list[Path], needle: str) -> list[str]:
    return [path.name for path in files if path.exists() and needle.encode() in path.read_bytes()]


def _voted(service: Service) -> tuple[str, str, str]:
    """A consultation, a participant who voted on 30 statements and wrote one, and a statement."""
    setup = open_consultation(service, statements=30, participants=2)
    subject = setup.participants[0].participant_id
    for statement in setup.statements:
        service.cast_vote(subject, statement.statement_id, 1)
    service.submit_statement(subject, "Een voorstel van mij voor de wijk")
    return setup.consultation.consultation_id, subject, setup.statements[0].statement_id


def test_erasure_leaves_the_pseudonym_in_no_file(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    files = _sqlite_files(service)
    _, subject, statement_id = _voted(service)
    with sqlite3.connect(files[0]) as connection:  # the rows so far go into the database file
        assert connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    service.cast_vote(subject, statement_id, -1)  # and a changed vote in the log
    assert _files_mentioning(files, subject) == [files[0].name, files[1].name]
    service.erase_participant(subject)
    assert _files_mentioning(files, subject) == []
    assert Path(f"{files[0]}-wal").stat().st_size == 0


def test_purge_leaves_no_pseudonym_in_any_file(
    service_factory: Callable[..., Service], clock
) -> None:
    service = service_factory()
    files = _sqlite_files(service)
    cid, subject, _ = _voted(service)
    (round_,) = service.list_rounds(cid)
    service.close_round(round_.round_id)
    service.publish_round(round_.round_id)
    assert _files_mentioning(files, subject)
    clock.advance(days=service.settings.retention_days + 1)
    assert service.purge_expired().totals.participants == 2
    assert _files_mentioning(files, subject) == []
