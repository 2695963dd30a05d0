"""``deliberate analyze``: analyse a Polis export, a golden folder or a deliberate snapshot file."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from deliberate.analysis import AnalysisResult
    from deliberate.config import Settings
    from deliberate.domain.vote_table import VoteTable

__all__ = [
    "PROGRESS_FROM_VOTES",
    "analyze",
    "summary_line",
    "table_named",
]

# Inputs with more votes than this get a progress display.
PROGRESS_FROM_VOTES = 200_000


def table_named(source: str, settings: Settings) -> VoteTable:
    """The votes of a file or folder (see :func:`read_vote_table`), or of the consultation with
    this id or join code in the database (see :mod:`deliberate.cli._database`)."""
    from deliberate.errors import InvalidUpload
    from deliberate.interop.vote_files import read_vote_table

    path = Path(source)
    if path.exists():
        return read_vote_table(path)
    if "/" in source or os.sep in source or path.suffix:
        raise InvalidUpload(f"{source} does not exist.")
    from deliberate.cli._database import consultation_snapshot
    from deliberate.domain.vote_table import VoteTable

    return VoteTable.from_snapshot(consultation_snapshot(source, settings)[1])


def summary_line(result: AnalysisResult, out: Path) -> str:
    """One line saying what was found and where it went."""
    groups = ", ".join(
        f"{g.label} {'<' + str(result.parameters['privacy_k']) if g.suppressed else g.size}"
        for g in result.groups
    )
    return (
        f"{result.n_participants} participants ({result.participants_in_analysis} in groups), "
        f"{result.n_statements} statements, {result.n_votes} votes -> "
        f"{len(result.groups)} groups ({groups or 'none'}), {len(result.consensus)} consensus, "
        f"{len(result.minority_positions)} minority positions, "
        f"{len(result.warnings)} warnings; wrote {out}"
    )


@click.command("analyze")
@click.argument("source")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the AnalysisResult JSON.",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=click.IntRange(0, 2**32 - 1),
    help="Seed of every random step; same input and seed give the same bytes.",
)
@click.option(
    "--mode",
    default="deliberate",
    show_default=True,
    type=click.Choice(["deliberate", "polis"]),
    help="'polis' reproduces Polis's maths; 'deliberate' finds small groups too.",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An earlier result: keep its map orientation and group ids.",
)
@click.pass_context
def analyze(
    ctx: click.Context, source: str, out: Path, seed: int, mode: str, previous: Path | None
) -> None:
    """Analyse SOURCE and write the opinion groups and findings to --out.

    SOURCE is a Polis export folder (comments.csv with votes.csv or participants-votes.csv), a
    Polis golden folder (votes.json, comments.json), a deliberate snapshot JSON file, or a
    consultation id or join code in the database (DELIBERATE_DATABASE_URL; by default also the
    demo's deliberate-demo.db in this folder).
    """
    # Imported here so that `deliberate --help` and `deliberate analyze --help` stay fast.
    from deliberate.analysis import AnalysisParams, AnalysisResult, VoteMatrix, analyse_matrix
    from deliberate.cli._common import settings_from_context
    from deliberate.errors import AnalysisWarning

    params = AnalysisParams(mode="polis" if mode == "polis" else "deliberate", seed=seed)
    earlier = AnalysisResult.from_json(previous.read_bytes()) if previous else None
    table = table_named(source, settings_from_context(ctx))
    with warnings.catch_warnings():
        # The warnings are part of the result and of the summary line; don't print them twice.
        warnings.simplefilter("ignore", AnalysisWarning)
        if table.n_votes >= PROGRESS_FROM_VOTES:
            from deliberate.cli._common import progress

            with progress() as bar:
                task = bar.add_task("Analysing", total=2)
                matrix = VoteMatrix.from_table(table)
                bar.advance(task)
                result = analyse_matrix(matrix, texts=table.texts, params=params, previous=earlier)
                bar.advance(task)
        else:
            matrix = VoteMatrix.from_table(table)
            result = analyse_matrix(matrix, texts=table.texts, params=params, previous=earlier)
    out.write_bytes(result.to_json())
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
    click.echo(summary_line(result, out))
