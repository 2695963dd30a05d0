"""Use cases of statements: participants submit them, facilitators seed them."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from deliberate.domain.consultations import new_id
from deliberate.domain.participants import ONLINE, validate_channel
from deliberate.domain.rounds import Action, Phase, Round, require_action
from deliberate.domain.statements import (
    ModerationStatus,
    Statement,
    duplicate_key,
    validate_text,
)
from deliberate.errors import Conflict, DuplicateStatement, NotFound, RateLimited
from deliberate.service.base import ServiceBase
from deliberate.store import Connection
from deliberate.store import consultations as consultation_rows
from deliberate.store import statements as statement_rows

__all__ = ["StatementUseCases"]


class StatementUseCases(ServiceBase):
    """Adding statements: normalised, length-checked, de-duplicated and rate-limited."""

    def submit_statement(
        self, participant_id: str, text: str, *, round_id: str | None = None
    ) -> Statement:
        """Add a participant's statement to an open round (the newest open one by default).

        The statement starts ``pending``; under strict moderation it is shown only once
        accepted. Raises :class:`ConsentRequired`, :class:`PhaseNotAllowed`,
        :class:`DuplicateStatement`, :class:`RateLimited` or a length error.
        """
        normalised = self._statement_text(text)
        with self.store.write() as connection:
            participant = self._consenting_participant(connection, participant_id)
            round_ = self._target_round(connection, participant.consultation_id, round_id)
            require_action(round_, Action.SUBMIT_STATEMENT)
            now = self._now()
            self._check_statement_rate(connection, participant_id, now)
            statement = self._insert_pending(
                connection,
                round_,
                normalised,
                author_id=participant_id,
                origin=participant.channel,
                at=now,
            )
        self._publish_statement(statement)
        return statement

    def _statement_text(self, text: str) -> str:
        """``text`` normalised and within the configured statement length."""
        return validate_text(
            text,
            min_length=self.settings.min_statement_length,
            max_length=self.settings.max_statement_length,
        )

    def _insert_pending(
        self,
        connection: Connection,
        round_: Round,
        text: str,
        *,
        author_id: str | None,
        origin: str,
        at: datetime,
    ) -> Statement:
        """A new statement awaiting moderation in ``round_``; :class:`DuplicateStatement` if the
        consultation has it already where participants can see it (or ``author_id`` wrote it).
        """
        statement = Statement(
            statement_id=new_id(),
            consultation_id=round_.consultation_id,
            round_id=round_.round_id,
            text=text,
            author_id=author_id,
            seeded=False,
            status=ModerationStatus.PENDING,
            created_at=at,
            origin=origin,
        )
        key = duplicate_key(text)
        existing = statement_rows.find_by_key(connection, round_.consultation_id, key)
        if existing is not None and existing.author_id != author_id:
            strict = self._consultation(connection, round_.consultation_id).strict_moderation
            if not existing.is_included(strict_moderation=strict):
                # Participants cannot see it (pending under strict moderation, rejected, merged):
                # "already in the consultation" would tell them it exists, and its id. This one
                # goes to moderation on its own, under a key of its own, like any new statement.
                statement_rows.insert_statement(
                    connection, statement, f"{key}#{statement.statement_id}"
                )
                return statement
        self._insert_unique(connection, statement)
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
            for position, text in enumerate(normalised):
                statement = Statement(
                    statement_id=new_id(),
                    consultation_id=consultation_id,
                    round_id=round_.round_id,
                    text=text,
                    author_id=None,
                    seeded=True,
                    status=ModerationStatus.ACCEPTED,
                    # One microsecond apart: lists (and paper form codes) keep the given order.
                    created_at=now + timedelta(microseconds=position),
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
                "round %(position)s is %(phase)s: it takes no statements",
                params={"position": round_.position, "phase": round_.phase.value},
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
