"""Use cases of what a table session contributes: paper forms, tallies, table statements.

Everything from the room enters the same store as online participation: each paper form becomes
one participant whose channel is its table, a show of hands becomes a tally (counts, never
participants) and a statement written at a table goes through the same moderation and duplicate
check as one typed online, with its table recorded as origin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from deliberate.domain.consultations import new_id
from deliberate.domain.participants import Consent, Participant
from deliberate.domain.rounds import Action, Round, require_action
from deliberate.domain.sessions import (
    FormStatement,
    PaperForm,
    PhysicalSession,
    Table,
    TableTally,
    session_of,
)
from deliberate.domain.statements import Statement
from deliberate.errors import AlreadyExists, Conflict
from deliberate.interop.form_upload import (
    Cell,
    forms_from_upload,
    read_upload,
    validate_grid_form,
)
from deliberate.interop.paper_forms import FormHeading, render_table_forms
from deliberate.service.participation import ParticipationUseCases
from deliberate.service.sessions import TableSessionUseCases
from deliberate.service.statements import StatementUseCases
from deliberate.store import Connection
from deliberate.store import participants as participant_rows
from deliberate.store import sessions as session_rows
from deliberate.store import statements as statement_rows
from deliberate.store import votes as vote_rows

__all__ = ["ContributionUseCases", "FormImport", "RecordedTally", "SessionContributions"]


@dataclass(frozen=True, slots=True)
class FormImport:
    """What entering paper forms created: one participant per form and their votes."""

    session_id: str
    table_number: int
    participant_ids: tuple[str, ...]
    form_numbers: tuple[int, ...]
    vote_count: int
    skipped_rows: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordedTally:
    """A show of hands as stored, and the earlier count of it that it replaced, if any."""

    tally: TableTally
    previous: TableTally | None = None

    @property
    def replaced(self) -> bool:
        """Whether this count replaced an earlier one of the same statement at that table."""
        return self.previous is not None


@dataclass(frozen=True, slots=True)
class SessionContributions:
    """Everything a session brought in: its tables, entered forms, tallies and statements."""

    session: PhysicalSession
    tables: tuple[Table, ...]
    forms: tuple[tuple[int, int, str], ...]  # (form number, table number, participant id)
    tallies: tuple[TableTally, ...]
    statements: tuple[Statement, ...]


class ContributionUseCases(TableSessionUseCases, ParticipationUseCases, StatementUseCases):
    """Paper forms, tallies and statements from the tables, and the forms to print."""

    def form_statements(self, session_id: str) -> tuple[FormStatement, ...]:
        """The statements on the session's paper forms, with their fixed codes ``S1``, ``S2``…

        They are the included statements of the consultation's current round (the newest open
        one, else the last). Codes are given once, seeded statements first and then by creation,
        and never move: a statement added later gets the next code.
        """
        with self.store.write() as connection:
            session = self._physical_session(connection, session_id)
            return self._form_statements(connection, session)[1]

    def paper_forms_pdf(self, session_id: str, table_number: int, *, join_url: str = "") -> bytes:
        """All numbered paper forms of one table as one A4 PDF."""
        with self.store.write() as connection:
            session = self._physical_session(connection, session_id)
            table = self._session_table(connection, session_id, table_number)
            consultation = self._consultation(connection, session.consultation_id)
            _, statements = self._form_statements(connection, session)
        if not statements:
            raise Conflict("there is nothing to print yet: the round has no accepted statements")
        heading = FormHeading(consultation.question, consultation.description)
        return render_table_forms(
            heading, statements, session=session, table=table, join_url=join_url
        )

    def enter_form(
        self,
        session_id: str,
        table_number: int,
        form_number: Cell,
        answers: Mapping[str, Cell],
    ) -> FormImport:
        """Enter one paper form from the entry grid: one new participant and their votes.

        Raises :class:`AlreadyExists` when this form number was entered before, and
        :class:`~deliberate.errors.InvalidUpload` for a form that cannot be read.
        """
        with self.store.write() as connection:
            session, table, round_, statements, entered = self._entry_context(
                connection, session_id, table_number
            )
            if isinstance(form_number, int) and form_number in entered:
                raise AlreadyExists(
                    "form %(form_number)s of this session has already been entered",
                    params={"form_number": form_number},
                    detail={"form_number": form_number},
                )
            form = validate_grid_form(
                form_number,
                answers,
                table=table,
                statements=statements,
                entered_form_numbers=entered,
            )
            result = self._write_forms(connection, session, round_, [form], "grid")
        self._publish_forms(session, result)
        return result

    def import_forms(self, session_id: str, table_number: int, data: bytes) -> FormImport:
        """Import a CSV or XLSX of one table's paper forms in one transaction: all or nothing.

        The file is read first, bounded in size and in CPU time (``upload_cpu_seconds``), and
        outside the transaction: a hostile spreadsheet never holds the store's write lock.
        """
        upload = read_upload(data, time_limit=self.settings.upload_cpu_seconds)
        with self.store.write() as connection:
            session, table, round_, statements, entered = self._entry_context(
                connection, session_id, table_number
            )
            batch = forms_from_upload(
                upload, table=table, statements=statements, entered_form_numbers=entered
            )
            result = self._write_forms(connection, session, round_, batch.forms, batch.source)
        self._publish_forms(session, result)
        return FormImport(
            result.session_id,
            result.table_number,
            result.participant_ids,
            result.form_numbers,
            result.vote_count,
            batch.skipped_rows,
        )

    def record_tally(
        self,
        session_id: str,
        table_number: int,
        statement_id: str,
        *,
        agree: int,
        disagree: int,
        passed: int = 0,
    ) -> RecordedTally:
        """Record a show of hands at a table, replacing an earlier count of the same statement.

        The earlier count is read and replaced in the same transaction, so
        :attr:`RecordedTally.previous` is exact even when two hosts count at the same moment.
        More hands than people at the table (:attr:`Table.people`) raise
        :class:`~deliberate.errors.TooManyHands` and nothing is stored.
        """
        tally = TableTally(
            session_id, table_number, statement_id, agree, disagree, passed, self._now()
        )
        with self.store.write() as connection:
            session = self._physical_session(connection, session_id)
            self._session_table(connection, session_id, table_number).check_tally(tally)
            self._votable_statement(connection, session.consultation_id, statement_id)
            previous = session_rows.put_tally(connection, tally)
        payload = {
            "consultation_id": session.consultation_id,
            "session_id": session_id,
            "table": table_number,
            "statement_id": statement_id,
            "tally": True,
            "replaced": previous is not None,
        }
        self._publish("votes", payload)
        self._publish_session(session, "tally")
        return RecordedTally(tally, previous)

    def submit_table_statement(self, session_id: str, table_number: int, text: str) -> Statement:
        """Add a statement written at a table to the current round, pending moderation.

        Its origin is the table channel, so the report can say it was first raised there. The
        duplicate check is the one for online statements (:class:`DuplicateStatement`).
        """
        normalised = self._statement_text(text)
        with self.store.write() as connection:
            session = self._physical_session(connection, session_id)
            table = self._session_table(connection, session_id, table_number)
            round_ = self._target_round(connection, session.consultation_id, None)
            require_action(round_, Action.SUBMIT_STATEMENT)
            statement = self._insert_pending(
                connection, round_, normalised, author_id=None, origin=table.channel, at=self._now()
            )
        self._publish_statement(statement)
        self._publish_session(session, "statement")
        return statement

    def session_contributions(self, session_id: str) -> SessionContributions:
        """What the session brought in so far: forms, tallies and statements written there."""
        with self.store.read() as connection:
            session = self._physical_session(connection, session_id)
            tables = session_rows.list_tables(connection, session_id)
            forms = session_rows.entered_forms(connection, session_id)
            tallies = session_rows.list_tallies(connection, session_id)
            channels = {table.channel for table in tables} | {session.channel}
            statements = [
                s
                for s in statement_rows.list_statements(connection, session.consultation_id)
                if s.origin in channels
            ]
        return SessionContributions(
            session, tuple(tables), tuple(forms), tuple(tallies), tuple(statements)
        )

    def session_participant_ids(self, session_id: str) -> frozenset[str]:
        """Everyone who took part through the session: its paper forms and phones in the room."""
        with self.store.read() as connection:
            session = self._physical_session(connection, session_id)
            participants = participant_rows.list_participants(connection, session.consultation_id)
        return frozenset(
            p.participant_id for p in participants if session_of(p.channel) == session.channel
        )

    def _form_statements(
        self, connection: Connection, session: PhysicalSession
    ) -> tuple[Round, tuple[FormStatement, ...]]:
        consultation = self._consultation(connection, session.consultation_id)
        round_ = self._target_round(connection, session.consultation_id, None)
        listed = statement_rows.list_statements(
            connection, session.consultation_id, round_id=round_.round_id
        )
        included = {
            s.statement_id: s
            for s in listed
            if s.is_included(strict_moderation=consultation.strict_moderation)
        }
        # Seeded first, then by creation: the order new codes are handed out in.
        order = sorted(
            included.values(), key=lambda s: (not s.seeded, s.created_at, s.statement_id)
        )
        codes = session_rows.assign_form_codes(
            connection, round_.round_id, [s.statement_id for s in order]
        )
        # A code stays reserved when its statement is moderated out later; it is not printed.
        kept = tuple(
            FormStatement(f"S{position}", sid, included[sid].text)
            for position, sid in codes
            if sid in included
        )
        return round_, kept

    def _entry_context(
        self, connection: Connection, session_id: str, table_number: int
    ) -> tuple[PhysicalSession, Table, Round, tuple[FormStatement, ...], set[int]]:
        session = self._physical_session(connection, session_id)
        table = self._session_table(connection, session_id, table_number)
        round_, statements = self._form_statements(connection, session)
        require_action(round_, Action.VOTE)
        entered = {number for number, _, _ in session_rows.entered_forms(connection, session_id)}
        return session, table, round_, statements, entered

    def _write_forms(
        self,
        connection: Connection,
        session: PhysicalSession,
        round_: Round,
        forms: Sequence[PaperForm],
        source: str,
    ) -> FormImport:
        now = self._now()
        # Ticking the form is taking part on paper; the form carries the privacy text.
        consent = Consent(self.settings.consent_version, now)
        participants = [
            Participant(new_id(), session.consultation_id, form.channel, (), now, consent)
            for form in forms
        ]
        for participant in participants:
            participant_rows.insert_participant(connection, participant)
        rows = [
            {
                "participant_id": participant.participant_id,
                "statement_id": statement_id,
                "round_id": round_.round_id,
                "value": int(vote),
                "at": now,
            }
            for participant, form in zip(participants, forms, strict=True)
            for statement_id, vote in form.votes
        ]
        vote_rows.upsert_votes(connection, rows)
        entered = [
            (form.form_number, form.table_number, participant.participant_id)
            for participant, form in zip(participants, forms, strict=True)
        ]
        session_rows.insert_paper_forms(
            connection, session.session_id, entered, source=source, at=now
        )
        table_number = forms[0].table_number if forms else 0
        return FormImport(
            session.session_id,
            table_number,
            tuple(p.participant_id for p in participants),
            tuple(form.form_number for form in forms),
            len(rows),
        )

    def _publish_forms(self, session: PhysicalSession, result: FormImport) -> None:
        if not result.participant_ids:
            return
        consultation_id = session.consultation_id
        self._publish(
            "participants",
            {"consultation_id": consultation_id, "count": len(result.participant_ids)},
        )
        self._publish(
            "votes",
            {
                "consultation_id": consultation_id,
                "count": result.vote_count,
                "session_id": session.session_id,
            },
        )
        self._publish_session(session, "forms")
