"""``deliberate population``: the neighbourhood's figures, who is missing, and whom to invite next.

Upload population totals per attribute (a small CSV, see docs/representativeness.md), see the
participants beside the population with the weights per category, and draw a stratified plan of
whom to invite to the next table evening.
"""

from __future__ import annotations

from pathlib import Path

import click

from deliberate.analysis.definitions import percent
from deliberate.analysis.weighted import TRUST_EFFECTIVE_SIZE, Weighting
from deliberate.cli._common import consultation_named, settings_from_context
from deliberate.interop.margins import MAX_MARGIN_BYTES
from deliberate.service import open_service

__all__ = [
    "clear_command",
    "population",
    "set_command",
    "show_command",
]


def _percent(value: float | None) -> str:
    """A share as the table prints it, rounded as on every surface (:func:`percent`)."""
    return "  –" if value is None else f"{percent(value):3d}%"


@click.group()
def population() -> None:
    """The neighbourhood's population figures: weigh findings, see who is missing."""


@population.command("set")
@click.argument("consultation")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def set_command(ctx: click.Context, consultation: str, csv_file: Path) -> None:
    """Replace CONSULTATION's population figures with CSV_FILE (kenmerk;categorie;aantal)."""
    if csv_file.stat().st_size > MAX_MARGIN_BYTES:
        raise click.UsageError(f"{csv_file.name} is larger than {MAX_MARGIN_BYTES // 1024} KB")
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        margins = service.set_population_margins(found.consultation_id, csv_file.read_bytes())
    for attribute in margins.attributes:
        categories = ", ".join(margins.totals[attribute])
        click.echo(f"{attribute}: {categories}")
    click.echo(f"population: {margins.population} residents")


@population.command("clear")
@click.argument("consultation")
@click.pass_context
def clear_command(ctx: click.Context, consultation: str) -> None:
    """Remove CONSULTATION's population figures; findings are then no longer weighted."""
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        removed = service.clear_population_margins(found.consultation_id)
    click.echo("figures removed" if removed else "there were no figures")


@population.command("show")
@click.argument("consultation")
@click.option(
    "--invite",
    default=40,
    show_default=True,
    type=click.IntRange(0, 10_000),
    help="How many people the plan for the next evening invites.",
)
@click.pass_context
def show_command(ctx: click.Context, consultation: str, invite: int) -> None:
    """Participants beside the population, weights, and whom to invite next, for CONSULTATION."""
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        weighting = service.weighting(found.consultation_id, invitations=invite)
        privacy_k = service.settings.privacy_k
    if weighting is None:
        raise click.ClickException(
            "no population figures yet, or nobody has voted: run `deliberate population set`"
        )
    _print_weighting(weighting, privacy_k)


def _print_weighting(weighting: Weighting, privacy_k: int) -> None:
    click.echo(
        f"{weighting.participants} participants who voted, worth {weighting.effective_size:.0f}"
        f" after weighting (effective sample size)"
    )
    if not weighting.trustworthy:
        click.echo(
            f"warning: below {TRUST_EFFECTIVE_SIZE} the weighted figures can be further from the"
            " truth than the plain ones; show them with care"
        )
    if not weighting.converged:
        click.echo("warning: the weights do not meet every population figure (cap reached)")
    click.echo("")
    click.echo(f"{'category':<28} {'people':>6} {'share':>6} {'pop.':>6} {'gap':>6} {'weight':>7}")
    for row in weighting.categories:
        people = f"<{privacy_k}" if row.participants is None else str(row.participants)
        gap = "  –" if row.gap is None else f"{percent(row.gap):+4d}%"
        weight = "   –" if row.mean_weight is None else f"{row.mean_weight:7.2f}"
        capped = "  capped" if (row.attribute, row.category) in weighting.capped_cells else ""
        click.echo(
            f"{row.attribute + ': ' + row.category:<28} {people:>6} {_percent(row.sample_share):>6}"
            f" {_percent(row.population_share):>6} {gap:>6} {weight:>7}{capped}"
        )
    if weighting.groups:
        click.echo("")
        for group in weighting.groups:
            click.echo(
                f"group {group.group_id}: {_percent(group.share).strip()} of participants, about"
                f" {_percent(group.weighted_share).strip()} of the neighbourhood"
            )
    if weighting.invitations:
        click.echo("")
        click.echo("invite next:")
        for invitation in weighting.invitations:
            cell = ", ".join(f"{a} {c}" for a, c in invitation.categories)
            click.echo(f"  {invitation.invite:>4}  {cell}")
