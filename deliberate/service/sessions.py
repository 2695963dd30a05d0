"""Use cases of physical table sessions: sessions, their tables and the hosts' access codes.

What the room contributes (paper forms, tallies, statements written at a table) is in
:mod:`deliberate.service.contributions`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from deliberate.domain.access_codes import hash_access_code, new_access_code, verify_access_code
from deliberate.domain.consultations import Consultation, new_id
from deliberate.domain.sessions import PhysicalSession, Table, provenance
from deliberate.errors import AlreadyExists, AuthenticationRequired
from deliberate.service.base import ServiceBase, require
from deliberate.store import Connection
from deliberate.store import sessions as session_rows

__all__ = ["TablePlan", "TableSessionUseCases", "channel_labels"]


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for an unknown session, so a miss costs one verification too."""
    return hash_access_code(new_access_code())


@dataclass(frozen=True, slots=True)
class TablePlan:
    """A table to create with its session: number, host, optional name, forms to print.

    ``head_count`` declares how many people sit there (the limit of a show of hands); without
    it the printed forms stand for the people.
    """

    number: int
    host_name: str
    name: str = ""
    form_count: int = 20
    head_count: int | None = None


def channel_labels(
    connection: Connection, consultation: Consultation, *, language: str | None = None
) -> dict[str, str]:
    """Each session and table channel of the consultation as people read it.

    ``session:<id>`` becomes "buurthuis De Pijp, 12 maart 2026" and ``session:<id>/table:4``
    "tafel 4, buurthuis De Pijp, 12 maart", in ``language`` (default: the consultation's).
    """
    wanted = language or consultation.language
    language = wanted if wanted in {"nl", "en"} else "nl"
    sessions = session_rows.list_sessions(connection, consultation.consultation_id)
    labels = {
        session.channel: provenance(session, language=language, with_year=True)
        for session in sessions
    }
    for session in sessions:
        labels.update(
            (table.channel, provenance(session, table, language=language))
            for table in session_rows.list_tables(connection, session.session_id)
        )
    return labels


def _host_key(session_id: str, address: str) -> str:
    return hashlib.sha256(f"host\x00{session_id}\x00{address}".encode()).hexdigest()


class TableSessionUseCases(ServiceBase):
    """Sessions in a room, their tables and hosts."""

    def create_table_session(
        self,
        consultation_id: str,
        *,
        place: str,
        held_on: date,
        neighbourhood: str = "",
        tables: Sequence[TablePlan] = (),
    ) -> tuple[PhysicalSession, str]:
        """Create a session with its ``tables``, all or nothing; return it and its host code.

        The code is shown once: only its hash is kept. Two tables with one number raise
        :class:`AlreadyExists` and nothing is created.
        """
        session = PhysicalSession(new_id(), consultation_id, place, held_on, neighbourhood)
        made = [
            Table(
                session.session_id,
                plan.number,
                plan.host_name,
                plan.name,
                plan.form_count,
                plan.head_count,
            )
            for plan in tables
        ]
        numbers = [table.number for table in made]
        if repeated := sorted({n for n in numbers if numbers.count(n) > 1}):
            raise AlreadyExists(
                "table %(number)s appears twice",
                params={"number": repeated[0]},
                detail={"table": repeated[0]},
            )
        code = new_access_code()
        code_hash = hash_access_code(code)  # slow on purpose: outside the write lock
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            session_rows.insert_session(connection, session, code_hash, self._now())
            for table in made:
                session_rows.insert_table(connection, table)
        self._publish_session(session, "created")
        return session, code

    def add_table(
        self,
        session_id: str,
        number: int,
        *,
        host_name: str,
        name: str = "",
        form_count: int = 20,
        head_count: int | None = None,
    ) -> Table:
        """Add table ``number`` to a session; :class:`AlreadyExists` if it has that number."""
        table = Table(session_id, number, host_name, name, form_count, head_count)
        with self.store.write() as connection:
            session = self._physical_session(connection, session_id)
            if session_rows.get_table(connection, session_id, number) is not None:
                raise AlreadyExists(
                    "this session already has a table %(number)s", params={"number": number}
                )
            session_rows.insert_table(connection, table)
        self._publish_session(session, "table_added")
        return table

    def declare_head_count(self, session_id: str, number: int, head_count: int | None) -> Table:
        """Declare how many people sit at a table (``None``: the printed forms stand for them).

        Counts already recorded stay as they are; the limit applies to the next show of hands.
        """
        with self.store.write() as connection:
            session = self._physical_session(connection, session_id)
            table = replace(
                self._session_table(connection, session_id, number), head_count=head_count
            )
            session_rows.set_head_count(connection, session_id, number, head_count)
        self._publish_session(session, "table_changed")
        return table

    def channel_labels(
        self, consultation_id: str, *, language: str | None = None
    ) -> dict[str, str]:
        """Session and table channels as people read them (see :func:`channel_labels`)."""
        with self.store.read() as connection:
            consultation = self._consultation(connection, consultation_id)
            return channel_labels(connection, consultation, language=language)

    def get_table(self, session_id: str, number: int) -> Table:
        """Table ``number`` of the session; :class:`NotFound` otherwise."""
        with self.store.read() as connection:
            return self._session_table(connection, session_id, number)

    def get_table_session(self, session_id: str) -> PhysicalSession:
        """The session with this id; :class:`NotFound` otherwise."""
        with self.store.read() as connection:
            return self._physical_session(connection, session_id)

    def list_table_sessions(self, consultation_id: str) -> list[PhysicalSession]:
        """The consultation's sessions, by date."""
        with self.store.read() as connection:
            self._consultation(connection, consultation_id)
            return session_rows.list_sessions(connection, consultation_id)

    def room_numbers(self, consultation_id: str) -> dict[str, int]:
        """Each session's number in the consultation (1, 2, … in the order they were made).

        The number makes the room's short link, ``/j/<join code>/<number>``; it never changes,
        because sessions are never deleted and a new one gets the next number.
        """
        with self.store.read() as connection:
            self._consultation(connection, consultation_id)
            ids = session_rows.session_ids_by_creation(connection, consultation_id)
        return {session_id: number for number, session_id in enumerate(ids, start=1)}

    def list_tables(self, session_id: str) -> list[Table]:
        """The session's tables, by number."""
        with self.store.read() as connection:
            self._physical_session(connection, session_id)
            return session_rows.list_tables(connection, session_id)

    def reissue_host_code(self, session_id: str) -> str:
        """A new host code for the session; the old one stops working at once."""
        code = new_access_code()
        code_hash = hash_access_code(code)
        with self.store.write() as connection:
            self._physical_session(connection, session_id)
            session_rows.set_access_code_hash(connection, session_id, code_hash)
        return code

    def host_code_version(self, session_id: str) -> str:
        """A fingerprint of the session's current host code; it changes when the code is reissued.

        Host logins are bound to it, so reissuing the code ends every host login at once. It
        reveals nothing about the code (a digest of its salted hash).
        """
        with self.store.read() as connection:
            self._physical_session(connection, session_id)
            stored = session_rows.get_access_code_hash(connection, session_id) or ""
        return hashlib.sha256(f"host-code\x00{stored}".encode()).hexdigest()[:32]

    def verify_host_code(self, session_id: str, code: str, *, address: str = "") -> PhysicalSession:
        """Check a table host's code; throttled like facilitator logins.

        After ``Settings.login_attempts`` failures for this session and client address, or
        ``login_attempts_per_account`` for this session from all addresses, within 15 minutes,
        further attempts raise :class:`RateLimited`. A wrong code (or an unknown
        session) raises :class:`AuthenticationRequired` without saying which.
        """
        key, every_address = _host_key(session_id, address), _host_key(session_id, "*")
        now = self._now()
        reserved = self._reserve_attempt(
            [
                (key, self.settings.login_attempts),
                (every_address, self.settings.login_attempts_per_account),
            ],
            now,
            "too many wrong host codes; try again later",
        )
        with self.store.read() as connection:
            session = session_rows.get_session(connection, session_id)
            stored = session_rows.get_access_code_hash(connection, session_id)
        # An unknown session still pays the hashing time, so it is not faster to reject.
        verified = verify_access_code(code, stored or _dummy_hash())
        self._settle_attempt(
            reserved, [key, every_address], succeeded=verified and session is not None
        )
        if not verified or session is None:
            raise AuthenticationRequired("this host code is not valid for this session")
        return session

    @staticmethod
    def _physical_session(connection: Connection, session_id: str) -> PhysicalSession:
        return require(
            session_rows.get_session(connection, session_id), "this session does not exist"
        )

    @staticmethod
    def _session_table(connection: Connection, session_id: str, number: int) -> Table:
        return require(
            session_rows.get_table(connection, session_id, number),
            "this session has no table %(number)s",
            params={"number": number},
        )

    def _publish_session(self, session: PhysicalSession, change: str) -> None:
        self._publish(
            "sessions",
            {
                "consultation_id": session.consultation_id,
                "session_id": session.session_id,
                "change": change,
            },
        )
