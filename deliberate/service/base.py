"""What every group of use cases shares: settings, store, clock, events and lookups."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from deliberate.analysis.routing import FewestVotesFirst, RoutingStrategy
from deliberate.config import Settings
from deliberate.domain.consultations import Consultation
from deliberate.domain.participants import Participant
from deliberate.domain.rounds import Action, Round, require_action
from deliberate.domain.statements import Statement
from deliberate.errors import Conflict, ConsentRequired, NotFound, RateLimited
from deliberate.service.events import EventSink, NullEventSink
from deliberate.store import Connection, Store
from deliberate.store import consultations as consultation_rows
from deliberate.store import facilitators as facilitator_rows
from deliberate.store import participants as participant_rows
from deliberate.store import statements as statement_rows

__all__ = [
    "LOGIN_WINDOW",
    "Clock",
    "ServiceBase",
    "require",
    "utc_now",
]

Clock = Callable[[], datetime]
# Failed logins and host codes are counted over this window (R-C8).
LOGIN_WINDOW = timedelta(minutes=15)
_log = logging.getLogger("deliberate.service")


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (the default clock)."""
    return datetime.now(UTC)


_T = TypeVar("_T")


def require(found: _T | None, message: str, *, params: Mapping[str, object] | None = None) -> _T:
    """``found``, or :class:`NotFound` with ``message`` (a template filled in with ``params``)
    when the lookup found nothing."""
    if found is None:
        raise NotFound(message, params=params)
    return found


class ServiceBase:
    """Holds the collaborators of the use cases.

    Parameters
    ----------
    settings : Settings
        Limits and timeouts (statement length, rate limits, session lifetimes).
    store : Store
        The database; every write of the application goes through this service into it.
    events : EventSink, optional
        Notified after each committed write; defaults to :class:`NullEventSink`.
    clock : callable, optional
        Returns the current aware datetime; inject a controllable one in tests.
    routing : RoutingStrategy, optional
        Chooses the next statement; defaults to :class:`FewestVotesFirst`.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        events: EventSink | None = None,
        clock: Clock | None = None,
        routing: RoutingStrategy | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.events: EventSink = events if events is not None else NullEventSink()
        self.clock: Clock = clock if clock is not None else utc_now
        self.routing: RoutingStrategy = (
            routing if routing is not None else FewestVotesFirst(random_state=None)
        )

    def _reserve_attempt(
        self, limits: Sequence[tuple[str, int]], now: datetime, message: str
    ) -> dict[str, int]:
        """Count an attempt as a failure of every key up front, unless a key is over its limit.

        :class:`RateLimited` (with ``retry_after`` until the oldest failure of the full key leaves
        :data:`LOGIN_WINDOW`) once a key has its ``limit`` failures. Checking and counting happen
        in one write transaction, serialised per key, so that a parallel burst cannot pass the
        check before the failures are written; :meth:`_settle_attempt` takes a success back.
        Returns the id of the failure recorded for each key.
        """
        with self.store.write() as connection:
            for key, _ in limits:
                facilitator_rows.serialise_key(connection, key)
            for key, limit in limits:
                failures, oldest = facilitator_rows.count_failures(
                    connection, key, now - LOGIN_WINDOW
                )
                if failures >= limit and oldest is not None:
                    wait = (oldest + LOGIN_WINDOW - now).total_seconds()
                    raise RateLimited(message, retry_after=max(1, math.ceil(wait)))
            return {key: facilitator_rows.insert_failure(connection, key, now) for key, _ in limits}

    def _settle_attempt(
        self, reserved: Mapping[str, int], cleared: Sequence[str], *, succeeded: bool
    ) -> None:
        """After a success: forget every failure of the ``cleared`` keys, and take this attempt
        back from the other reserved keys (their earlier failures stay). A failure stays."""
        if not succeeded:
            return
        with self.store.write() as connection:
            for key, attempt_id in reserved.items():
                if key in cleared:
                    facilitator_rows.delete_failures(connection, key)
                else:
                    facilitator_rows.delete_attempt(connection, attempt_id)

    def _now(self) -> datetime:
        now = self.clock()
        return now if now.tzinfo is not None else now.replace(tzinfo=UTC)

    def _publish(self, topic: str, payload: Mapping[str, object]) -> None:
        # Delivery problems must never undo or fail a committed write.
        try:
            self.events.publish(topic, payload)
        except Exception:
            _log.exception("event sink failed for topic %s", topic)

    @staticmethod
    def _consultation(connection: Connection, consultation_id: str) -> Consultation:
        return require(
            consultation_rows.get_consultation(connection, consultation_id),
            "this consultation does not exist",
        )

    @staticmethod
    def _round(connection: Connection, round_id: str) -> Round:
        return require(
            consultation_rows.get_round(connection, round_id), "this round does not exist"
        )

    @staticmethod
    def _statement(connection: Connection, statement_id: str) -> Statement:
        return require(
            statement_rows.get_statement(connection, statement_id), "this statement does not exist"
        )

    @staticmethod
    def _participant(connection: Connection, participant_id: str) -> Participant:
        return require(
            participant_rows.get_participant(connection, participant_id),
            "this participant does not exist",
        )

    @classmethod
    def _consenting_participant(cls, connection: Connection, participant_id: str) -> Participant:
        participant = cls._participant(connection, participant_id)
        if participant.consent is None:
            raise ConsentRequired("agree to the privacy statement before you take part")
        return participant

    @staticmethod
    def _votable_statement(
        connection: Connection, consultation_id: str, statement_id: str
    ) -> Statement:
        context = statement_rows.get_statement_context(connection, statement_id)
        if context is None or context[0].consultation_id != consultation_id:
            raise NotFound("this statement does not exist")
        statement, round_, consultation = context
        if not statement.is_included(strict_moderation=consultation.strict_moderation):
            raise Conflict("this statement is not open for voting")
        require_action(round_, Action.VOTE)
        return statement
