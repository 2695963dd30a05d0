"""Retention: a consultation's per-participant data goes once its retention period is over (R-D4).

A consultation's participants and every row that references them expire
``Settings.retention_days`` after its **last publication**: the newest of its published rounds
and published advice versions. A consultation that was never published never expires, and one
with a round open is left alone (people are taking part in it).

What goes is what erasure removes, for every participant at once: the participant rows with
their consent and attributes, votes, vote history, idempotency keys and entered paper forms,
and the pseudonyms inside stored analysis results. What stays: statements (without author),
the moderation log, table tallies, the figures of stored analysis results, and the published
advice versions, byte for byte. Each consultation is purged in its own transaction.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from deliberate.domain.consultations import Consultation
from deliberate.domain.rounds import Phase, Round
from deliberate.errors import InvalidInput
from deliberate.service.records import RecordUseCases
from deliberate.store import Connection
from deliberate.store import advice as advice_rows
from deliberate.store import consultations as consultation_rows
from deliberate.store import participants as participant_rows

__all__ = [
    "RETENTION_REASON",
    "ConsultationPurge",
    "Progress",
    "PurgeCounts",
    "PurgeReport",
    "PurgeStatus",
    "RetentionUseCases",
    "last_publication",
]

RETENTION_REASON = "retention period ended"
_log = logging.getLogger("deliberate.service")

Progress = Callable[[int, int], None]


class PurgeStatus(enum.StrEnum):
    """What the purge found for one consultation."""

    EXPIRED = "expired"  # its data is removed (in a dry run: would be)
    RETAINED = "retained"  # published, but the retention period is not over
    ROUND_OPEN = "round open"  # the period is over, but a round is open again
    NOT_PUBLISHED = "not published"  # never published: nothing expires
    FAILED = "failed"  # the purge of this consultation failed and was rolled back


@dataclass(frozen=True, slots=True)
class PurgeCounts:
    """Rows of each kind removed from one consultation (or that a dry run would remove).

    ``consents`` counts the participant rows that held a consent; ``authored_statements`` the
    statements that lose their author (they stay); ``analysis_results`` the stored result
    versions the pseudonyms are removed from (their figures stay).
    """

    participants: int = 0
    consents: int = 0
    votes: int = 0
    vote_history: int = 0
    idempotency_keys: int = 0
    paper_forms: int = 0
    authored_statements: int = 0
    analysis_results: int = 0

    def items(self) -> Iterator[tuple[str, int]]:
        """``(kind, count)`` in a fixed order."""
        for field in dataclasses.fields(self):
            yield field.name, getattr(self, field.name)

    def __add__(self, other: PurgeCounts) -> PurgeCounts:
        return PurgeCounts(**{kind: count + getattr(other, kind) for kind, count in self.items()})


@dataclass(frozen=True, slots=True)
class ConsultationPurge:
    """The purge of one consultation: its status, dates and counts."""

    consultation_id: str
    join_code: str
    status: PurgeStatus
    last_published: datetime | None = None
    expires_at: datetime | None = None
    counts: PurgeCounts = PurgeCounts()
    error: str = ""


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What :meth:`RetentionUseCases.purge_expired` did, per consultation."""

    at: datetime
    retention_days: int
    dry_run: bool
    consultations: tuple[ConsultationPurge, ...]

    @property
    def expired(self) -> tuple[ConsultationPurge, ...]:
        """The consultations whose data expired (and was removed unless this is a dry run)."""
        return tuple(c for c in self.consultations if c.status is PurgeStatus.EXPIRED)

    @property
    def failed(self) -> tuple[ConsultationPurge, ...]:
        """The consultations whose purge failed and was rolled back."""
        return tuple(c for c in self.consultations if c.status is PurgeStatus.FAILED)

    @property
    def totals(self) -> PurgeCounts:
        """The counts summed over the expired consultations."""
        return sum((c.counts for c in self.expired), PurgeCounts())


def last_publication(
    rounds: Sequence[Round], advice_published_at: datetime | None
) -> datetime | None:
    """The newest publication of a consultation: a published round or advice version."""
    times = [r.published_at for r in rounds if r.phase is Phase.PUBLISHED and r.published_at]
    if advice_published_at is not None:
        times.append(advice_published_at)
    return max(times, default=None)


class RetentionUseCases(RecordUseCases):
    """The retention purge of per-participant data."""

    def purge_expired(
        self,
        *,
        now: datetime | None = None,
        dry_run: bool = False,
        consultation_id: str | None = None,
        progress: Progress | None = None,
    ) -> PurgeReport:
        """Remove the per-participant data of every consultation whose retention is over.

        ``now`` defaults to the clock. With ``dry_run`` nothing changes and the report holds
        the counts a real run would remove. ``consultation_id`` limits the purge to one
        consultation. ``progress(done, total)`` is called after each consultation. A failure
        in one consultation rolls back that one only; it is reported and the others go on.
        Running it again removes nothing more.
        """
        at = self._now() if now is None else now
        if at.tzinfo is None:
            raise InvalidInput("the purge time needs a time zone")
        with self.store.read() as connection:
            if consultation_id is not None:
                consultations = [self._consultation(connection, consultation_id)]
            else:
                consultations = consultation_rows.list_consultations(connection)
        done = []
        for consultation in consultations:
            done.append(self._purge_consultation(consultation, at, dry_run=dry_run))
            if progress is not None:
                progress(len(done), len(consultations))
        if any(purge.counts.participants for purge in done) and not dry_run:
            self.store.checkpoint()  # removed rows must not linger in SQLite's -wal file
        return PurgeReport(at, self.settings.retention_days, dry_run, tuple(done))

    def _purge_consultation(
        self, consultation: Consultation, at: datetime, *, dry_run: bool
    ) -> ConsultationPurge:
        transaction = self.store.read if dry_run else self.store.write
        try:
            with transaction() as connection:
                outcome = self._expire(connection, consultation, at, dry_run=dry_run)
        except Exception as exc:  # one consultation's failure must not stop the others
            _log.exception("purging consultation %s failed", consultation.consultation_id)
            return ConsultationPurge(
                consultation.consultation_id,
                consultation.join_code,
                PurgeStatus.FAILED,
                error=str(exc) or type(exc).__name__,
            )
        if not dry_run and outcome.counts.participants:
            self._publish(
                "retention",
                {
                    "consultation_id": consultation.consultation_id,
                    "participants": outcome.counts.participants,
                },
            )
        return outcome

    def _expire(
        self, connection: Connection, consultation: Consultation, at: datetime, *, dry_run: bool
    ) -> ConsultationPurge:
        """Decide whether the consultation expired and, if so, remove (or count) its data."""
        cid = consultation.consultation_id
        rounds = consultation_rows.list_rounds(connection, cid)
        last = last_publication(rounds, advice_rows.last_published_at(connection, cid))
        found = ConsultationPurge(cid, consultation.join_code, PurgeStatus.NOT_PUBLISHED)
        if last is None:
            return found
        expires_at = last + timedelta(days=self.settings.retention_days)
        found = dataclasses.replace(found, last_published=last, expires_at=expires_at)
        if at < expires_at:
            return dataclasses.replace(found, status=PurgeStatus.RETAINED)
        if any(r.phase is Phase.OPEN for r in rounds):
            return dataclasses.replace(found, status=PurgeStatus.ROUND_OPEN)
        pseudonyms = frozenset(
            p.participant_id for p in participant_rows.list_participants(connection, cid)
        )
        results = self._strip_pseudonyms(connection, cid, pseudonyms, write=not dry_run)
        if dry_run:
            rows = participant_rows.count_personal_records(connection, cid)
        else:
            rows = participant_rows.remove_personal_records(
                connection, cid, at=at, reason=RETENTION_REASON
            )
        counts = PurgeCounts(**rows, analysis_results=results)
        return dataclasses.replace(found, status=PurgeStatus.EXPIRED, counts=counts)
