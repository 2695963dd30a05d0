"""Finding the consultation a read-only command names, without ever creating a database.

``deliberate report``, ``analyze`` and ``export`` take a consultation id or join code. They look
in the configured database; with the default setting they also look in ``deliberate-demo.db``,
the file ``deliberate demo`` writes in the folder it runs in. A SQLite file that is not there is
an error that names the setting to use, never an empty file made on the way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from deliberate.config import DEMO_DATABASE_URL, Settings
from deliberate.errors import NotFound

if TYPE_CHECKING:  # the store and service load only when a command reads the database
    from deliberate.analysis.weighting import PopulationMargins
    from deliberate.domain.consultations import Consultation
    from deliberate.domain.snapshot import VoteSnapshot

__all__ = ["consultation_records", "consultation_snapshot", "database_candidates", "sqlite_file"]

_HOW_TO_CHOOSE = (
    "Run the command in the folder where you ran `deliberate demo` (it keeps "
    "deliberate-demo.db there), or set DELIBERATE_DATABASE_URL, for example "
    "DELIBERATE_DATABASE_URL=sqlite:///path/to/deliberate-demo.db or a postgresql+psycopg:// URL."
)


def sqlite_file(database_url: str) -> Path | None:
    """The file a SQLite URL names; ``None`` for other databases and for in-memory SQLite."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def database_candidates(settings: Settings) -> list[Settings]:
    """The databases to look in, in order: the configured one if it exists, then the demo's.

    The demo's file is a candidate only while ``DELIBERATE_DATABASE_URL`` has its default value.
    Raises :class:`NotFound` naming the setting when there is nothing to look in.
    """
    candidates = []
    configured = sqlite_file(settings.database_url)
    # An empty file is what an older version left behind when a read made it: nothing is there.
    if configured is None or (configured.is_file() and configured.stat().st_size > 0):
        candidates.append(settings)
    demo = sqlite_file(DEMO_DATABASE_URL)
    if settings.database_url == Settings().database_url and demo is not None and demo.is_file():
        candidates.append(settings.replace(database_url=DEMO_DATABASE_URL))
    if not candidates:
        raise NotFound(f"there is no database at {configured}. {_HOW_TO_CHOOSE}")
    return candidates


def consultation_snapshot(source: str, settings: Settings) -> tuple[Consultation, VoteSnapshot]:
    """The consultation with id or join code ``source`` and its snapshot, from the first
    candidate database that has it (see :func:`database_candidates`)."""
    consultation, snapshot, _ = consultation_records(source, settings)
    return consultation, snapshot


def consultation_records(
    source: str, settings: Settings
) -> tuple[Consultation, VoteSnapshot, PopulationMargins | None]:
    """As :func:`consultation_snapshot`, with the consultation's population figures (or None)."""
    from deliberate.service.facade import open_service
    from deliberate.store import current_revision

    searched = []
    for candidate in database_candidates(settings):
        service = open_service(candidate, migrate=False)
        try:
            searched.append(service.store.url)
            if current_revision(service.store) is None:
                continue  # an empty file (made by an older version): nothing to read there
            try:
                consultation = service.get_consultation(source)
            except NotFound:
                try:
                    consultation = service.find_consultation(source)
                except NotFound:
                    continue
            cid = consultation.consultation_id
            return consultation, service.snapshot(cid), service.population_margins(cid)
        finally:
            service.close()
    raise NotFound(
        f"no consultation has the id or join code {source!r} in {', '.join(searched)}. "
        + _HOW_TO_CHOOSE
    )
