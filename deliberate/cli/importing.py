"""``deliberate import SOURCE --into CODE``: load a whole conversation into a consultation."""

from __future__ import annotations

import time
from pathlib import Path

import click

from deliberate.cli._common import consultation_named, progress, settings_from_context

__all__ = ["import_conversation"]


@click.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--into",
    "consultation",
    required=True,
    metavar="CODE",
    help="The join code (or id) of the consultation that receives the conversation.",
)
@click.pass_context
def import_conversation(ctx: click.Context, source: Path, consultation: str) -> None:
    """Load SOURCE's statements, participants and votes into a consultation, all or none.

    SOURCE is a Polis export folder (comments.csv with votes.csv or participants-votes.csv), a
    Polis golden folder or a deliberate snapshot (.json). The statements go into the
    consultation's latest draft or open round, as accepted (or rejected where the source
    moderated them out); every participant is new and pseudonymous.
    """
    from deliberate.interop.vote_files import read_vote_table
    from deliberate.service import open_service

    table = read_vote_table(source)
    with open_service(settings_from_context(ctx)) as service:
        target = consultation_named(service, consultation)
        started = time.perf_counter()
        with progress() as bar:
            task = bar.add_task("writing votes and their log", total=2 * table.n_votes)
            report = service.import_table(
                target.consultation_id, table, progress=lambda n: bar.advance(task, n)
            )
        seconds = time.perf_counter() - started
    click.echo(
        f"imported {len(report.participant_ids)} participants, {len(report.statement_ids)} "
        f"statements and {report.votes} current positions into {target.join_code} "
        f"in {seconds:.1f} s ({table.n_votes / max(seconds, 1e-9):,.0f} source votes/s)"
    )
