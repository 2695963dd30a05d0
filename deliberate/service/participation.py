"""Use cases of participants: join, consent, vote, and which statement comes next."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from deliberate.analysis.routing import RoutingCandidate
from deliberate.domain.consultations import new_id
from deliberate.domain.participants import (
    ONLINE,
    Consent,
    Participant,
    validate_attributes,
    validate_channel,
)
from deliberate.domain.snapshot import Vote
from deliberate.domain.statements import (
    Statement,
)
from deliberate.domain.votes import VoteRecord, parse_vote
from deliberate.errors import (
    InvalidInput,
    NotFound,
)
from deliberate.service.base import ServiceBase
from deliberate.store import participants as participant_rows
from deliberate.store import statements as statement_rows
from deliberate.store import votes as vote_rows

__all__ = [
    "MAX_CONSENT_VERSION_LENGTH",
    "ParticipationUseCases",
]

MAX_CONSENT_VERSION_LENGTH = 32  # the width of participants.consent_version


class ParticipationUseCases(ServiceBase):
    """What participants do: join, give consent and vote; and what they see next."""

    def join(
        self,
        consultation_id: str,
        *,
        channel: str = ONLINE,
        attributes: Mapping[str, str] | None = None,
        consent_version: str | None = None,
    ) -> Participant:
        """Create a participant with a random 128-bit pseudonym.

        ``channel`` is ``"online"`` or the name of a physical table. When ``consent_version`` is
        given, consent is recorded at the same moment (one transaction).
        """
        entrant = (channel, attributes or {})
        return self.join_many(consultation_id, [entrant], consent_version=consent_version)[0]

    def join_many(
        self,
        consultation_id: str,
        entrants: Sequence[tuple[str, Mapping[str, str]]],
        *,
        consent_version: str | None = None,
    ) -> list[Participant]:
        """Create one participant per ``(channel, attributes)`` entrant, all or none.

        For paper forms entered after a table session and for simulations: one transaction
        instead of one per person.
        """
        checked = [(validate_channel(c), validate_attributes(a)) for c, a in entrants]
        if consent_version is not None:
            _check_consent_version(consent_version)
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            now = self._now()
            consent = Consent(consent_version, now) if consent_version else None
            joined = [
                Participant(new_id(), consultation_id, channel, pairs, now, consent)
                for channel, pairs in checked
            ]
            for participant in joined:
                participant_rows.insert_participant(connection, participant)
        payload: dict[str, object] = {"consultation_id": consultation_id, "count": len(joined)}
        if len(joined) == 1:
            payload["participant_id"] = joined[0].participant_id
        self._publish("participants", payload)
        return joined

    def record_consent(self, participant_id: str, version: str | None = None) -> Participant:
        """Record consent to consent text ``version`` (default: the current one) now (R-D7)."""
        version = version or self.settings.consent_version
        _check_consent_version(version)
        with self.store.write() as connection:
            self._participant(connection, participant_id)
            participant_rows.record_consent(connection, participant_id, version, self._now())
            return self._participant(connection, participant_id)

    def get_participant(self, participant_id: str) -> Participant:
        """The participant with this pseudonym; :class:`NotFound` otherwise."""
        with self.store.read() as connection:
            return self._participant(connection, participant_id)

    def cast_votes(
        self, consultation_id: str, items: Sequence[tuple[str, str, Vote | int | str]]
    ) -> int:
        """Record many ``(participant_id, statement_id, value)`` votes at once, all or none.

        For paper forms and table sessions entered afterwards, and for simulations. The rules
        are those of :meth:`cast_vote` (consent, moderation, phase); one bad item rejects the
        whole batch. Returns how many positions changed.
        """
        parsed = [(p, s, parse_vote(v)) for p, s, v in items]
        changes: dict[tuple[str, str], dict[str, object]] = {}
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            current = vote_rows.current_positions(connection, consultation_id)
            participants: set[str] = set()
            statements: dict[str, Statement] = {}
            now = self._now()
            for participant_id, statement_id, vote in parsed:
                if participant_id not in participants:
                    participant = self._consenting_participant(connection, participant_id)
                    if participant.consultation_id != consultation_id:
                        raise NotFound("this participant does not exist")
                    participants.add(participant_id)
                if statement_id not in statements:
                    statements[statement_id] = self._votable_statement(
                        connection, consultation_id, statement_id
                    )
                pair = (participant_id, statement_id)
                if current.get(pair) == vote:
                    continue
                current[pair] = vote
                changes[pair] = {
                    "participant_id": participant_id,
                    "statement_id": statement_id,
                    "round_id": statements[statement_id].round_id,
                    "value": int(vote),
                    "at": now,
                }
            vote_rows.upsert_votes(connection, list(changes.values()))
        if changes:
            self._publish("votes", {"consultation_id": consultation_id, "count": len(changes)})
        return len(changes)

    def list_votes(self, participant_id: str) -> list[VoteRecord]:
        """The participant's current positions, oldest first."""
        with self.store.read() as connection:
            self._participant(connection, participant_id)
            return vote_rows.list_votes(connection, participant_id)

    def next_statement(self, participant_id: str) -> Statement | None:
        """The statement to show the participant next, or ``None`` when nothing is left.

        Candidates are the included statements of open rounds that the participant did not
        write and has not voted on; the routing strategy picks one of them.
        """
        with self.store.read() as connection:
            participant = self._participant(connection, participant_id)
            consultation = self._consultation(connection, participant.consultation_id)
            rows = statement_rows.routing_rows(
                connection, participant.consultation_id, participant_id
            )
        eligible = {
            row.statement.statement_id: row
            for row in rows
            if row.statement.author_id != participant_id
            and row.statement.is_included(strict_moderation=consultation.strict_moderation)
        }
        chosen = self.routing.choose(
            [
                RoutingCandidate(
                    statement_id=row.statement.statement_id,
                    vote_count=row.vote_count,
                    created_at=row.statement.created_at.timestamp(),
                    seeded=row.statement.seeded,
                )
                for row in eligible.values()
            ]
        )
        return eligible[chosen].statement if chosen is not None else None


def _check_consent_version(version: str) -> None:
    if not version.strip() or len(version) > MAX_CONSENT_VERSION_LENGTH:
        raise InvalidInput(
            "a consent version has 1 to %(max_consent_version_length)s characters",
            params={"max_consent_version_length": MAX_CONSENT_VERSION_LENGTH},
        )
