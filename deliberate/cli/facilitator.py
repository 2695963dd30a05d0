"""``deliberate facilitator``: create, list and delete facilitator accounts."""

from __future__ import annotations

import click

from deliberate.cli._common import settings_from_context
from deliberate.service import Service, open_service

__all__ = [
    "create_command",
    "delete_command",
    "facilitator",
    "list_command",
]


def _service(ctx: click.Context) -> Service:
    return open_service(settings_from_context(ctx))


@click.group()
def facilitator() -> None:
    """Manage facilitator accounts (the people who run consultations)."""


@facilitator.command("create")
@click.argument("username")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 8 characters; asked for when omitted (preferred: keeps it out of history).",
)
@click.option(
    "--consultation",
    "join_codes",
    multiple=True,
    help="Join code of a consultation this facilitator owns (repeatable).",
)
@click.pass_context
def create_command(
    ctx: click.Context, username: str, password: str, join_codes: tuple[str, ...]
) -> None:
    """Create an account, optionally as owner of consultations."""
    with _service(ctx) as service:
        account = service.create_facilitator(username, password)
        for code in join_codes:
            consultation = service.find_consultation(code)
            service.grant_role(account.facilitator_id, consultation.consultation_id, "owner")
    click.echo(f"created facilitator {account.username}")


@facilitator.command("list")
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """List accounts with their roles."""
    with _service(ctx) as service:
        accounts = service.list_facilitators()
        if not accounts:
            click.echo("no facilitators yet; add one with `deliberate facilitator create NAME`")
        for account in accounts:
            roles = service.roles(account.facilitator_id)
            codes = ", ".join(
                f"{service.get_consultation(cid).join_code}:{role.value}"
                for cid, role in roles.items()
            )
            click.echo(f"{account.username}\t{account.created_at:%Y-%m-%d}\t{codes or '-'}")


@facilitator.command("delete")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def delete_command(ctx: click.Context, username: str, yes: bool) -> None:
    """Delete an account; all its sessions end at once."""
    with _service(ctx) as service:
        account = service.find_facilitator(username)
        if not yes:
            click.confirm(f"delete facilitator {account.username}?", abort=True)
        service.delete_facilitator(account.facilitator_id)
    click.echo(f"deleted facilitator {account.username}")
