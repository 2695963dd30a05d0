"""``deliberate analyze``: analyse a Polis export, a golden folder or a deliberate snapshot file."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from deliberate.analysis import AnalysisResult

__all__ = [
    "PROGRESS_FROM_VOTES",
    "analyze",
    "summary_line",
]

# Inputs with more votes than this get a progress display.
PROGRESS_FROM_VOTES = 200_000


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
@click.argument("source", type=click.Path(exists=True, path_type=Path))
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
def analyze(source: Path, out: Path, seed: int, mode: str, previous: Path | None) -> None:
    """Analyse SOURCE and write the opinion groups and findings to --out.

    SOURCE is a Polis export folder (comments.csv with votes.csv or participants-votes.csv), a
    Polis golden folder (votes.json, comments.json) or a deliberate snapshot JSON file.
    """
    # Imported here so that `deliberate --help` and `deliberate analyze --help` stay fast.
    from deliberate.analysis import AnalysisParams, AnalysisResult, VoteMatrix, analyse_matrix
    from deliberate.errors import AnalysisWarning
    from deliberate.interop.vote_files import read_vote_table

    params = AnalysisParams(mode="polis" if mode == "polis" else "deliberate", seed=seed)
    earlier = AnalysisResult.from_json(previous.read_bytes()) if previous else None
    table = read_vote_table(source)
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
