"""The list of top-level commands. Each topic module adds its commands here, one line each."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
