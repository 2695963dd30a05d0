"""The list of top-level commands, loaded only when one is run.

Core topic modules are named here, one line each: ``name: (module, function)``. Nothing is
imported until a command runs (or its own ``--help`` is asked for), so ``deliberate --help``
answers without loading numpy, scikit-learn, SQLAlchemy or the text models; the one-line help in
that listing is read from the command function's docstring in the module's source.

Commands that live outside the core (``deliberate serve`` and ``deliberate demo`` start the web
app, which the core must never import) are found through the ``deliberate.commands`` entry-point
group instead, so the core stays free of web imports while the command line stays whole.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
from functools import cache
from importlib.metadata import entry_points

import click

__all__ = ["CORE_COMMANDS", "all_commands", "load_command", "short_help"]

CORE_COMMANDS: dict[str, tuple[str, str]] = {
    "models": ("deliberate.cli.text", "models"),
    "duplicates": ("deliberate.cli.text", "duplicates"),
    "themes": ("deliberate.cli.text", "themes"),
    "worker": ("deliberate.cli.worker", "worker"),
    "db": ("deliberate.cli.db", "db"),
    "facilitator": ("deliberate.cli.facilitator", "facilitator"),
    "sample": ("deliberate.cli.sample", "sample"),
    "analyze": ("deliberate.cli.analyze", "analyze"),
    "import": ("deliberate.cli.importing", "import_conversation"),
    "report": ("deliberate.cli.report", "report"),
    "export": ("deliberate.cli.report", "export"),
    "tables": ("deliberate.cli.tables", "tables"),
    "purge": ("deliberate.cli.retention", "purge"),
    "brigades": ("deliberate.cli.brigades", "brigades"),
    "population": ("deliberate.cli.population", "population"),
}


@cache
def all_commands() -> dict[str, tuple[str, str]]:
    """Core commands plus those registered under the ``deliberate.commands`` entry-point group."""
    found = dict(CORE_COMMANDS)
    for entry in entry_points(group="deliberate.commands"):
        found.setdefault(entry.name, (entry.module, entry.attr))
    return found


def load_command(name: str) -> click.Command | None:
    """Import the command called ``name``; None when there is none."""
    spec = all_commands().get(name)
    if spec is None:
        return None
    command = getattr(importlib.import_module(spec[0]), spec[1])
    if not isinstance(command, click.Command):  # pragma: no cover - packaging mistake
        raise TypeError(f"{spec[0]}:{spec[1]} is not a click command")
    return command


def short_help(name: str, limit: int = 45) -> str:
    """The first sentence of the command's docstring, read from source without importing it."""
    spec = all_commands().get(name)
    found = importlib.util.find_spec(spec[0]) if spec else None
    if spec is None or found is None or found.origin is None:
        return ""
    with open(found.origin, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == spec[1]:
            doc = inspect.cleandoc(ast.get_docstring(node, clean=False) or "")
            # The same shortening click applies to a loaded command.
            return click.Command(name, help=doc).get_short_help_str(limit)
    return ""
