"""``deliberate serve`` and ``deliberate demo``: start the web app under uvicorn.

They plug into the core's command line through the ``deliberate.commands`` entry points in
``pyproject.toml``, so the core never imports the web layer.
"""

from __future__ import annotations

import os
import time

import click
import uvicorn
from starlette.applications import Starlette

from deliberate.config import DEMO_DATABASE_URL, Settings
from deliberate.errors import ConfigurationError
from deliberate.events import create_event_bus
from deliberate.sample.demo import build_demo_consultation
from deliberate.service import open_service
from deliberate.worker import AnalysisWorker
from web.app import create_app
from web.core.server import GuardedH11Protocol, uvicorn_options
from web.room_link import lan_base, room_lines

__all__ = ["app_from_environ", "demo", "serve"]


def _settings_from_context(ctx: click.Context) -> Settings:
    """The settings the root command built, or fresh ones from the environment.

    Not imported from :mod:`deliberate.cli`: uvicorn's worker processes import this module on
    its own, and the core CLI package loads this module while it initialises.
    """
    root = ctx.find_root().obj
    return root if isinstance(root, Settings) else Settings.from_environ(os.environ)


def app_from_environ() -> Starlette:
    """The app for ``DELIBERATE_*`` settings (the factory every uvicorn worker calls)."""
    settings = Settings.from_environ(os.environ)
    GuardedH11Protocol.configure(settings)  # this worker process's deadlines
    # `serve` migrated the store once before starting the workers; they must not race at it.
    bus = create_event_bus(settings.redis_url, namespace=settings.event_namespace())
    return create_app(settings, service=open_service(settings, events=bus, migrate=False), bus=bus)


def _check_scale_out(settings: Settings, workers: int) -> None:
    if workers <= 1:
        return
    if not settings.secret_key:
        raise ConfigurationError(
            "several workers need DELIBERATE_SECRET_KEY: without it each worker makes its own "
            "key and refuses the participant tokens the others signed"
        )
    if settings.database_url.startswith("sqlite"):
        raise ConfigurationError(
            "several workers need a shared PostgreSQL store: set DELIBERATE_DATABASE_URL to "
            "postgresql+psycopg://… (SQLite allows one writer process)"
        )
    if not settings.redis_url:
        raise ConfigurationError(
            "several workers need DELIBERATE_REDIS_URL so that live maps see every worker's "
            "votes; also run one `deliberate worker` next to them"
        )


@click.command()
@click.option("--host", default=None, help="Interface to bind (default DELIBERATE_HOST).")
@click.option("--port", default=None, type=int, help="TCP port (default DELIBERATE_PORT).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int) -> None:
    """Run the web app.

    One worker on SQLite runs the live analysis itself. Several workers need PostgreSQL and
    Redis, plus one `deliberate worker` process for the live analysis.
    """
    settings = _settings_from_context(ctx)
    _check_scale_out(settings, workers)
    bind_host = host or settings.host
    bind_port = port or settings.port
    if not settings.secret_key:
        click.echo(
            "Warning: DELIBERATE_SECRET_KEY is not set. A key is made for this process only, so "
            "every participant is logged out when the server restarts.",
            err=True,
        )
    if settings.redis_url:
        click.echo("Redis is set: run `deliberate worker` once to keep live maps fresh.", err=True)
    if not settings.public_url:
        click.echo("\n".join(room_lines(bind_host, bind_port)))
        # The console and the projectors then show links phones can open, also to a
        # facilitator whose browser uses 127.0.0.1.
        settings = settings.replace(public_url=lan_base(bind_host, bind_port) or "")
    server = uvicorn_options(settings)
    if workers == 1:
        uvicorn.run(create_app(settings), host=bind_host, port=bind_port, **server)
        return
    open_service(settings).store.dispose()  # migrate once, before the workers start
    # Each worker process builds its own app from the same environment.
    os.environ.setdefault("DELIBERATE_DATABASE_URL", settings.database_url)
    if settings.public_url:  # the LAN address found above, for every worker's links
        os.environ.setdefault("DELIBERATE_PUBLIC_URL", settings.public_url)
    uvicorn.run(
        "web.cli:app_from_environ",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        **server,
    )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port.")
@click.option(
    "--seed", default=None, type=int, help="Seed of the sample data (default DELIBERATE_SEED)."
)
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, seed: int | None) -> None:
    """Start the app with the Dutch sample consultation loaded, and print how to use it.

    Uses DELIBERATE_DATABASE_URL when set, otherwise the SQLite file ./deliberate-demo.db.
    """
    started = time.monotonic()
    settings = _settings_from_context(ctx)
    if "DELIBERATE_DATABASE_URL" not in os.environ:
        settings = settings.replace(database_url=DEMO_DATABASE_URL)
    bus = create_event_bus(settings.redis_url, namespace=settings.event_namespace())
    service = open_service(settings, events=bus)
    if not settings.secret_key:
        click.echo("No DELIBERATE_SECRET_KEY: using a key for this process only.", err=True)
    click.echo("Loading the sample consultation…", err=True)
    info = build_demo_consultation(service, seed=settings.seed if seed is None else seed)
    AnalysisWorker(service, bus, settings).recompute(info.consultation_id)
    phones = [] if settings.public_url else room_lines(host, port, f"/j/{info.join_code}")
    if not settings.public_url:  # the links phones can open, on the console and projectors too
        settings = settings.replace(public_url=lan_base(host, port) or "")
    app = create_app(settings, service=service, bus=bus, run_worker=True)
    base = settings.public_url.rstrip("/") or f"http://{host}:{port}"
    rooms = [
        f"  Table evening: {base}/f/c/{info.consultation_id}/sessions/{session.session_id}"
        "   (projector, paper forms, entry)"
        for session in service.list_table_sessions(info.consultation_id)
    ]
    click.echo(
        "\n".join(
            [
                "",
                "deliberate demo is ready "
                f"({info.n_participants} participants, {info.n_statements} statements, "
                f"{info.n_votes} votes; {time.monotonic() - started:.1f} s)",
                f"  Participants:  {base}/j/{info.join_code}   (join code {info.join_code})",
                f"  Facilitators:  {base}/f/login",
                f"  Login:         {info.facilitator_username} / {info.facilitator_password}",
                f"  Live map:      {base}/f/c/{info.consultation_id}/map",
                *rooms,
                *phones,
                "Press Ctrl+C to stop.",
                "",
            ]
        )
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", **uvicorn_options(settings))
