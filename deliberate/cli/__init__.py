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
from deliberate.cli import commands
from deliberate.config import Settings
from deliberate.errors import DeliberateError, InvalidInput

__all__ = ["main"]


class _Group(click.Group):
    """A click group that loads its commands on first use and turns :class:`DeliberateError`
    into a clean message and exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(commands.all_commands()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            loaded = commands.load_command(cmd_name)
            if loaded is None:
                return None
            self.add_command(loaded, cmd_name)
        return self.commands[cmd_name]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, without importing any command."""
        names = self.list_commands(ctx)
        if not names:
            return
        width = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (
                name,
                self.commands[name].get_short_help_str(width)
                if name in self.commands
                else commands.short_help(name, width),
            )
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
