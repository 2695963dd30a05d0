"""``deliberate sample``: load the Dutch demo consultation into the configured database."""

from __future__ import annotations

import click

from deliberate.cli._common import progress, settings_from_context
from deliberate.sample import build_demo_consultation
from deliberate.service import open_service

__all__ = ["sample"]


@click.command()
@click.option("--seed", type=int, default=None, help="Random seed (default: DELIBERATE_SEED).")
@click.option(
    "--participants",
    type=click.IntRange(10, 5000),
    default=300,
    show_default=True,
    help="Simulated participants.",
)
@click.pass_context
def sample(ctx: click.Context, seed: int | None, participants: int) -> None:
    """Seed the demo consultation "Hoe maken we onze wijk groener en veiliger?".

    Loading it again changes nothing except the demo facilitator's password, which is printed.
    """
    settings = settings_from_context(ctx)
    with open_service(settings) as service, progress() as bar:
        task = bar.add_task("building the demo consultation", total=1)
        info = build_demo_consultation(
            service, seed=settings.seed if seed is None else seed, n_participants=participants
        )
        bar.advance(task)
    state = "created" if info.created else "already present"
    click.echo(
        f"demo consultation {state}: {info.n_participants} participants, "
        f"{info.n_statements} statements, {info.n_votes} votes"
    )
    click.echo(f"join code: {info.join_code}")
    click.echo(f"facilitator: {info.facilitator_username} / password: {info.facilitator_password}")
