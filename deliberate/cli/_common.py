"""Helpers shared by the CLI topic modules: settings lookup and progress bars."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from deliberate.config import Settings
from deliberate.errors import NotFound

if TYPE_CHECKING:  # the service (SQLAlchemy, password hashing) loads only for commands using it
    from deliberate.domain.consultations import Consultation
    from deliberate.service import Service

__all__ = ["consultation_named", "progress", "settings_from_context", "track"]

_T = TypeVar("_T")


def settings_from_context(ctx: click.Context) -> Settings:
    """The :class:`Settings` that the root command built for this invocation."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):  # a sub-command invoked on its own, e.g. in a test
        root.obj = Settings.from_environ(os.environ)
    return root.obj


def consultation_named(service: Service, source: str) -> Consultation:
    """A consultation named by its id or its join code."""
    try:
        return service.get_consultation(source)
    except NotFound:
        return service.find_consultation(source)


def progress() -> Progress:
    """A rich progress display on stderr (hidden when stderr is not a terminal)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )


def track(items: Iterable[_T], description: str, total: int | None = None) -> Iterator[_T]:
    """Iterate over ``items`` while showing a progress bar with ``description``."""
    with progress() as bar:
        yield from bar.track(items, total=total, description=description)
