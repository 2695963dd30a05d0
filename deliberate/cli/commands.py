"""The list of top-level commands.

Core topic modules add their commands here, one import and one line each. Commands that live
outside the core (``deliberate serve`` and ``deliberate demo`` start the web app, which the core
must never import) are found through the ``deliberate.commands`` entry-point group instead, so the
core stays free of web imports while the command line stays whole.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import click

from deliberate.cli import analyze, db, facilitator, population, sample, text
from deliberate.cli import report as report_cli
from deliberate.cli import retention as retention_cli
from deliberate.cli import tables as tables_cli
from deliberate.cli import worker as worker_cli

COMMANDS: list[click.Command] = []
COMMANDS.extend([text.models, text.duplicates, text.themes])
COMMANDS.append(worker_cli.worker)
COMMANDS.extend([db.db, facilitator.facilitator, sample.sample])
COMMANDS.append(analyze.analyze)
COMMANDS.extend([report_cli.report, report_cli.export])
COMMANDS.append(tables_cli.tables)
COMMANDS.append(retention_cli.purge)
COMMANDS.append(population.population)


def plugin_commands() -> list[click.Command]:
    """Commands registered by installed packages under the ``deliberate.commands`` group."""
    found: list[click.Command] = []
    for entry in sorted(entry_points(group="deliberate.commands"), key=lambda e: e.name):
        command = entry.load()
        if not isinstance(command, click.Command):  # pragma: no cover - packaging mistake
            raise TypeError(f"entry point {entry.name!r} is not a click command")
        found.append(command)
    return found
