"""The ``deliberate`` command.

Each topic lives in its own module under :mod:`deliberate.cli` and exposes click commands;
this module only assembles them. Every command has ``--help``. Errors from the core surface as
``error [code]: message`` with exit status 2 (bad input) or 1 (anything else), never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from deliberate import __version__
from deliberate.config import Settings
from deliberate.errors import DeliberateError, InvalidInput

__all__ = ["main"]


class _Group(click.Group):
    """A click group that turns :class:`DeliberateError` into a clean message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DeliberateError as exc:
            click.echo(f"error [{exc.code}]: {exc.message}", err=True)
            sys.exit(2 if isinstance(exc, InvalidInput) else 1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deliberate")
@click.pass_context
def main(ctx: click.Context) -> None:
    """deliberate: online rounds for city dialogues that end in a citizens' advice.

    Settings come from DELIBERATE_* environment variables (see docs/settings.md).
    """
    ctx.obj = Settings.from_environ(os.environ)


def _register() -> None:
    from deliberate.cli import commands

    for command in [*commands.COMMANDS, *commands.plugin_commands()]:
        main.add_command(command)


_register()
