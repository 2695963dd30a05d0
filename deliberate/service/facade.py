"""The :class:`Service`: one facade over every use case, and the only writer of the store."""

from __future__ import annotations

from deliberate.config import Settings
from deliberate.service.base import Clock
from deliberate.service.brigades import BrigadeUseCases
from deliberate.service.consultations import ConsultationUseCases
from deliberate.service.contributions import ContributionUseCases
from deliberate.service.events import EventSink
from deliberate.service.facilitators import FacilitatorUseCases
from deliberate.service.importing import ImportUseCases
from deliberate.service.moderation import ModerationUseCases
from deliberate.service.participation import ParticipationUseCases
from deliberate.service.publishing import PublishingUseCases
from deliberate.service.records import RecordUseCases
from deliberate.service.representation import RepresentationUseCases
from deliberate.service.retention import RetentionUseCases
from deliberate.service.statements import StatementUseCases
from deliberate.service.voting import VotingUseCases
from deliberate.store import create_store, upgrade

__all__ = ["Service", "open_service"]


class Service(
    ContributionUseCases,
    VotingUseCases,
    ImportUseCases,
    PublishingUseCases,
    ConsultationUseCases,
    ParticipationUseCases,
    StatementUseCases,
    ModerationUseCases,
    BrigadeUseCases,
    FacilitatorUseCases,
    RetentionUseCases,
    RepresentationUseCases,
    RecordUseCases,
):
    """Every use case of deliberate, over one :class:`Store`.

    Build it with ``Service(settings, store, events=..., clock=...)``, or with
    :func:`open_service` which also creates the store and migrates it. Every method runs in its
    own transaction, returns frozen domain objects, raises only :mod:`deliberate.errors`, and
    notifies the event sink after its write committed.

    >>> from deliberate.config import Settings
    >>> service = open_service(Settings(database_url="sqlite://"))
    >>> consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    >>> consultation.language
    'nl'
    >>> service.close()
    """

    def close(self) -> None:
        """Finish the queued votes and close the store's pooled connections (the service cannot
        be used afterwards)."""
        if self._vote_writer is not None:
            self._vote_writer.close()
        self.store.dispose()

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_service(
    settings: Settings,
    *,
    events: EventSink | None = None,
    clock: Clock | None = None,
    migrate: bool = True,
) -> Service:
    """Create the store for ``settings.database_url``, migrate it (by default) and wrap it."""
    store = create_store(settings)
    if migrate:
        upgrade(store)
    return Service(settings, store, events=events, clock=clock)
