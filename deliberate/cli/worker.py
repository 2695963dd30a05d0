"""``deliberate worker``: the analysis worker as its own process, for the scale-out set-up."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from deliberate.cli._common import settings_from_context
from deliberate.errors import ConfigurationError
from deliberate.events import create_event_bus
from deliberate.service import open_service
from deliberate.worker import AnalysisWorker

__all__ = ["worker"]


@click.command()
@click.option(
    "--once",
    "consultation_ids",
    multiple=True,
    metavar="CONSULTATION",
    help="Recompute these consultations once and exit, instead of listening for events.",
)
@click.pass_context
def worker(ctx: click.Context, consultation_ids: tuple[str, ...]) -> None:
    """Recompute live analyses after votes change (needs DELIBERATE_REDIS_URL to hear workers).

    Run exactly one of these next to several `deliberate serve` workers that share PostgreSQL
    and Redis. With `--once` it recomputes the named consultations and exits.
    """
    settings = settings_from_context(ctx)
    if not consultation_ids and not settings.redis_url:
        raise ConfigurationError(
            "the worker hears votes from web workers through Redis; set DELIBERATE_REDIS_URL "
            "(a single `deliberate serve` runs its own worker and needs none)"
        )
    # With Redis the stored versions are announced to every web worker's live maps.
    bus = create_event_bus(settings.redis_url, namespace=settings.event_namespace())
    service = open_service(settings, events=bus)
    if consultation_ids:
        once = AnalysisWorker(service, bus, settings)
        for consultation_id in consultation_ids:
            version = once.recompute(consultation_id)
            shown = f"version {version}" if version is not None else "skipped (see the log)"
            click.echo(f"{consultation_id}: {shown}")
        bus.close()
        return
    runner = AnalysisWorker(service, bus, settings).start()
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    click.echo("analysis worker listening for votes; press Ctrl+C to stop", err=True)
    stop.wait()
    runner.stop()
    bus.close()
