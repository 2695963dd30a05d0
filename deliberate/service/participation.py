"""Use cases of participants: join, consent, submit statements, vote, and the next statement."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from deliberate.analysis.routing import RoutingCandidate
from deliberate.domain.consultations import new_id
from deliberate.domain.participants import (
    ONLINE,
    Consent,
    Participant,
    validate_attributes,
    validate_channel,
)
from deliberate.domain.rounds import Action, Phase, Round, require_action
from deliberate.domain.snapshot import Vote
from deliberate.domain.statements import (
    ModerationStatus,
    Statement,
    duplicate_key,
    validate_text,
)
from deliberate.domain.votes import VoteRecord, parse_vote
from deliberate.errors import (
    Conflict,
    DuplicateStatement,
    IdempotencyConflict,
    InvalidInput,
    NotFound,
    RateLimited,
)
from deliberate.service.base import ServiceBase
from deliberate.store import Connection
from deliberate.store import consultations as consultation_rows
from deliberate.store import participants as participant_rows
from deliberate.store import statements as statement_rows
from deliberate.store import votes as vote_rows

__all__ = ["ParticipationUseCases"]

MAX_IDEMPOTENCY_KEY_LENGTH = 128


class ParticipationUseCases(ServiceBase):
    """What participants do: join, consent, add statements and vote."""

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
        pairs = validate_attributes(attributes or {})
        clean_channel = validate_channel(channel)
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            now = self._now()
            participant = Participant(
                participant_id=new_id(),
                consultation_id=consultation_id,
                channel=clean_channel,
                attributes=pairs,
                joined_at=now,
                consent=Consent(consent_version, now) if consent_version else None,
            )
            participant_rows.insert_participant(connection, participant)
        self._publish(
            "participants",
            {"consultation_id": consultation_id, "participant_id": participant.participant_id},
        )
        return participant

    def record_consent(self, participant_id: str, version: str | None = None) -> Participant:
        """Record consent to consent text ``version`` (default: the current one) now (R-D7)."""
        version = version or self.settings.consent_version
        if not version.strip() or len(version) > 32:
            raise InvalidInput("a consent version has 1 to 32 characters")
        with self.store.write() as connection:
            self._participant(connection, participant_id)
            participant_rows.record_consent(connection, participant_id, version, self._now())
            return self._participant(connection, participant_id)

    def get_participant(self, participant_id: str) -> Participant:
        """The participant with this pseudonym; :class:`NotFound` otherwise."""
        with self.store.read() as connection:
            return self._participant(connection, participant_id)

    def submit_statement(
        self, participant_id: str, text: str, *, round_id: str | None = None
    ) -> Statement:
        """Add a participant's statement to an open round (the newest open one by default).

        The statement starts ``pending``; under strict moderation it is shown only once
        accepted. Raises :class:`ConsentRequired`, :class:`PhaseNotAllowed`,
        :class:`DuplicateStatement`, :class:`RateLimited` or a length error.
        """
        normalised = validate_text(
            text,
            min_length=self.settings.min_statement_length,
            max_length=self.settings.max_statement_length,
        )
        with self.store.write() as connection:
            participant = self._consenting_participant(connection, participant_id)
            round_ = self._target_round(connection, participant.consultation_id, round_id)
            require_action(round_, Action.SUBMIT_STATEMENT)
            now = self._now()
            self._check_statement_rate(connection, participant_id, now)
            statement = Statement(
                statement_id=new_id(),
                consultation_id=participant.consultation_id,
                round_id=round_.round_id,
                text=normalised,
                author_id=participant_id,
                seeded=False,
                status=ModerationStatus.PENDING,
                created_at=now,
                origin=participant.channel,
            )
            self._insert_unique(connection, statement)
        self._publish_statement(statement)
        return statement

    def seed_statements(
        self,
        consultation_id: str,
        texts: list[str],
        *,
        round_id: str | None = None,
        origin: str = ONLINE,
        facilitator_id: str | None = None,
    ) -> list[Statement]:
        """Add facilitator statements (accepted at once) to a draft or open round, all or none.

        ``round_id`` defaults to the consultation's last round. A duplicate among ``texts`` or of
        an existing statement raises :class:`DuplicateStatement` and adds nothing.
        """
        normalised = [
            validate_text(
                text,
                min_length=self.settings.min_statement_length,
                max_length=self.settings.max_statement_length,
            )
            for text in texts
        ]
        clean_origin = validate_channel(origin)
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            round_ = self._seed_round(connection, consultation_id, round_id)
            now = self._now()
            created = []
            for text in normalised:
                statement = Statement(
                    statement_id=new_id(),
                    consultation_id=consultation_id,
                    round_id=round_.round_id,
                    text=text,
                    author_id=None,
                    seeded=True,
                    status=ModerationStatus.ACCEPTED,
                    created_at=now,
                    origin=clean_origin,
                )
                self._insert_unique(connection, statement)
                statement_rows.insert_moderation_entry(
                    connection,
                    statement_rows.ModerationEntry(
                        statement.statement_id, facilitator_id, "seed", "", now
                    ),
                )
                created.append(statement)
        for statement in created:
            self._publish_statement(statement)
        return created

    def list_statements(
        self,
        consultation_id: str,
        *,
        round_id: str | None = None,
        status: ModerationStatus | None = None,
    ) -> list[Statement]:
        """Statements of a consultation, oldest first, optionally by round or status."""
        with self.store.read() as connection:
            self._consultation(connection, consultation_id)
            return statement_rows.list_statements(
                connection, consultation_id, round_id=round_id, status=status
            )

    def get_statement(self, statement_id: str) -> Statement:
        """The statement with this id; :class:`NotFound` otherwise."""
        with self.store.read() as connection:
            return self._statement(connection, statement_id)

    def cast_vote(
        self,
        participant_id: str,
        statement_id: str,
        value: Vote | int | str,
        *,
        idempotency_key: str | None = None,
    ) -> VoteRecord:
        """Set the participant's position on a statement (agree +1, disagree -1, pass 0).

        Casting the same vote again changes nothing and logs nothing. A different value
        replaces the current position and is appended to the vote log. With an
        ``idempotency_key``, a replay with the same payload returns the first result and a
        reuse with a different payload raises :class:`IdempotencyConflict`.
        """
        vote = parse_vote(value)
        if (
            idempotency_key is not None
            and not 1 <= len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH
        ):
            raise InvalidInput(
                f"an idempotency key has 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters"
            )
        fingerprint = hashlib.sha256(f"{statement_id}\x00{int(vote)}".encode()).hexdigest()
        with self.store.write() as connection:
            participant = self._consenting_participant(connection, participant_id)
            if idempotency_key is not None:
                stored = vote_rows.get_idempotency(connection, participant_id, idempotency_key)
                if stored is not None:
                    if stored[0] != fingerprint:
                        raise IdempotencyConflict("this idempotency key was used for another vote")
                    return _record_from_json(stored[1])
            statement = self._votable_statement(
                connection, participant.consultation_id, statement_id
            )
            record = self._apply_vote(connection, participant_id, statement, vote)
            if idempotency_key is not None:
                vote_rows.put_idempotency(
                    connection,
                    participant_id=participant_id,
                    key=idempotency_key,
                    fingerprint=fingerprint,
                    result=_record_to_json(record),
                    at=self._now(),
                )
        if record.changed:
            self._publish(
                "votes",
                {
                    "consultation_id": statement.consultation_id,
                    "statement_id": statement_id,
                    "round_id": statement.round_id,
                    "value": int(vote),
                },
            )
        return record

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

    def _apply_vote(
        self, connection: Connection, participant_id: str, statement: Statement, vote: Vote
    ) -> VoteRecord:
        current = vote_rows.get_vote(connection, participant_id, statement.statement_id)
        if current is not None and current.value == vote:
            return current
        now = self._now()
        vote_rows.upsert_vote(
            connection,
            participant_id=participant_id,
            statement_id=statement.statement_id,
            round_id=statement.round_id,
            value=vote,
            at=now,
        )
        return VoteRecord(participant_id, statement.statement_id, statement.round_id, vote, now)

    def _target_round(
        self, connection: Connection, consultation_id: str, round_id: str | None
    ) -> Round:
        if round_id is not None:
            round_ = self._round(connection, round_id)
            if round_.consultation_id != consultation_id:
                raise NotFound("this round does not exist")
            return round_
        rounds = consultation_rows.list_rounds(connection, consultation_id)
        open_rounds = [r for r in rounds if r.phase is Phase.OPEN]
        if open_rounds:
            return open_rounds[-1]
        if rounds:
            return rounds[-1]  # require_action then names the phase that forbids it
        raise NotFound("this consultation has no rounds yet")

    def _seed_round(
        self, connection: Connection, consultation_id: str, round_id: str | None
    ) -> Round:
        round_ = self._target_round(connection, consultation_id, round_id)
        if round_.phase not in (Phase.DRAFT, Phase.OPEN):
            raise Conflict(
                f"round {round_.position} is {round_.phase.value}: it takes no statements"
            )
        return round_

    def _check_statement_rate(self, connection: Connection, author_id: str, now: datetime) -> None:
        window = timedelta(minutes=1)
        count, oldest = statement_rows.count_recent_statements(connection, author_id, now - window)
        if count >= self.settings.statements_per_minute and oldest is not None:
            wait = (oldest + window - now).total_seconds()
            raise RateLimited(
                "you are adding statements very fast; wait a moment", retry_after=math.ceil(wait)
            )

    @staticmethod
    def _insert_unique(connection: Connection, statement: Statement) -> None:
        key = duplicate_key(statement.text)
        existing = statement_rows.find_by_key(connection, statement.consultation_id, key)
        if existing is not None:
            raise DuplicateStatement(
                "this statement is already in the consultation",
                detail={"statement_id": existing.statement_id},
            )
        statement_rows.insert_statement(connection, statement, key)

    def _publish_statement(self, statement: Statement) -> None:
        self._publish(
            "statements",
            {
                "consultation_id": statement.consultation_id,
                "statement_id": statement.statement_id,
                "round_id": statement.round_id,
                "status": statement.status.value,
            },
        )


def _record_to_json(record: VoteRecord) -> str:
    return json.dumps(
        {
            "participant_id": record.participant_id,
            "statement_id": record.statement_id,
            "round_id": record.round_id,
            "value": int(record.value),
            "updated_at": record.updated_at.isoformat(),
            "changed": record.changed,
        }
    )


def _record_from_json(text: str) -> VoteRecord:
    data = json.loads(text)
    return VoteRecord(
        participant_id=data["participant_id"],
        statement_id=data["statement_id"],
        round_id=data["round_id"],
        value=Vote(data["value"]),
        updated_at=datetime.fromisoformat(data["updated_at"]),
        changed=data["changed"],
    )
