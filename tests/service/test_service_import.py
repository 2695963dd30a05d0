"""``deliberate import``: a whole conversation into a consultation, and back out unchanged.

The round trip: ``deliberate analyze SOURCE`` and the analysis of the imported consultation (its
snapshot read back from the store, with the source's ids put back through the import's id maps)
give the same bytes.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from store.builders import open_consultation
from support import POLIS_OPEN_DATA

from deliberate.analysis import VoteMatrix, analyse_matrix
from deliberate.analysis.simulate import simulate_votes
from deliberate.cli import main
from deliberate.domain.vote_table import VoteTable
from deliberate.errors import AnalysisWarning, Conflict
from deliberate.interop.snapshot_json import snapshot_to_json
from deliberate.interop.vote_files import read_vote_table
from deliberate.service import Service


def _analysis(matrix: VoteMatrix, texts: tuple[str, ...]) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        return analyse_matrix(matrix, texts=texts).to_json()


def _same_analysis(
    service: Service,
    consultation_id: str,
    source: VoteTable,
    participants: dict[str, str],
    statements: dict[str, str],
) -> None:
    """The imported consultation, renamed to the source's ids, analyses like the source."""
    people = {new: old for old, new in participants.items()}
    texts = {new: old for old, new in statements.items()}
    snapshot = service.snapshot(consultation_id)
    back = replace(
        snapshot,
        statements=[
            replace(s, statement_id=texts[s.statement_id])
            for s in snapshot.statements
            if s.statement_id in texts
        ],
        participants=[
            replace(p, participant_id=people[p.participant_id])
            for p in snapshot.participants
            if p.participant_id in people
        ],
        votes=[
            replace(v, participant_id=people[v.participant_id], statement_id=texts[v.statement_id])
            for v in snapshot.votes
            if v.participant_id in people
        ],
    )
    table = VoteTable.from_snapshot(back)
    expected = _analysis(VoteMatrix.from_table(source), source.texts)
    assert _analysis(VoteMatrix.from_table(table), table.texts) == expected


def test_a_deliberate_export_imports_and_analyses_the_same(
    service_factory: Callable[..., Service], tmp_path: Path
) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=2, participants=1)
    simulated, _ = simulate_votes(
        n_participants=120,
        n_statements=25,
        group_sizes=[0.6, 0.4],
        density=0.5,
        noise=0.1,
        random_state=3,
    )
    (tmp_path / "source.json").write_bytes(snapshot_to_json(simulated))
    source = read_vote_table(tmp_path / "source.json")
    cid = setup.consultation.consultation_id
    report = service.import_table(cid, source)
    assert report.votes == len(simulated.votes)
    _same_analysis(service, cid, source, report.participant_ids, report.statement_ids)
    # The consultation's own statements and participant stay; the import only adds.
    snapshot = service.snapshot(cid)
    assert len(snapshot.statements) == 2 + len(source.statement_ids)
    assert len(snapshot.participants) == 1 + len(source.participant_ids)


def test_an_import_needs_a_round_to_put_statements_in(
    service_factory: Callable[..., Service], tmp_path: Path
) -> None:
    service = service_factory()
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    simulated, _ = simulate_votes(
        n_participants=10, n_statements=3, group_sizes=[1.0], density=1.0, noise=0.0
    )
    source = VoteTable.from_snapshot(simulated)
    with pytest.raises(Conflict):
        service.import_table(consultation.consultation_id, source)
    assert service.snapshot(consultation.consultation_id).participants == ()


def test_a_polis_export_round_trips_through_the_command_line(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=1, participants=0)
    folder = POLIS_OPEN_DATA / "15-per-hour-seattle"
    result = CliRunner().invoke(
        main,
        ["import", str(folder), "--into", setup.consultation.join_code],
        env={"DELIBERATE_DATABASE_URL": service.settings.database_url},
    )
    assert result.exit_code == 0, result.output
    assert "current positions into" in result.output
    source = read_vote_table(folder)
    imported = service.snapshot(setup.consultation.consultation_id)
    participants = dict(
        zip(source.participant_ids, [p.participant_id for p in imported.participants], strict=True)
    )
    statements = dict(
        zip(source.statement_ids, [s.statement_id for s in imported.statements[1:]], strict=True)
    )
    _same_analysis(service, setup.consultation.consultation_id, source, participants, statements)
