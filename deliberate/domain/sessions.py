"""Physical table sessions: sessions, tables, paper forms, tallies, provenance.

Table hosts log in with the codes of :mod:`deliberate.domain.access_codes`.

A facilitator holds a *session* (a place, a date, a neighbourhood) with numbered *tables*, each
led by a table host. Opinions from the room come in three ways: individual paper forms (each
form becomes one participant whose channel is its table), a show of hands (a :class:`TableTally`:
aggregate counts, never turned into participants) and statements written at the table.

Channels are plain strings so that they fit ``Participant.channel``: ``"online"``,
``"session:<id>"`` for phones in the room, ``"session:<id>/table:<n>"`` for paper forms.
:func:`session_of` folds a table channel into its session for per-channel figures.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date

from deliberate.domain.participants import ONLINE
from deliberate.domain.snapshot import Vote
from deliberate.domain.statements import normalise_text
from deliberate.errors import InvalidInput, TooManyHands

__all__ = [
    "FORMS_PER_TABLE_MAX",
    "MAX_HEAD_COUNT",
    "MAX_NAME_LENGTH",
    "MAX_TABLES",
    "MAX_TALLY_COUNT",
    "FormAnswer",
    "FormStatement",
    "PaperForm",
    "PhysicalSession",
    "Table",
    "TableTally",
    "number_statements",
    "provenance",
    "session_channel",
    "session_of",
    "table_channel",
]

MAX_TABLES = 99
# Form numbers carry their table: table 4 prints forms 401…499, so a form entered at the wrong
# table is caught as "out of range" instead of silently landing in the wrong channel.
FORMS_PER_TABLE_MAX = 99
MAX_TALLY_COUNT = 10_000
# A "table" may be a whole room counted by one host; a declared head count above this is a typo.
MAX_HEAD_COUNT = 1_000
MAX_NAME_LENGTH = 64

_SESSION_PREFIX = "session:"
_TABLE_INFIX = "/table:"


def _check_table_number(number: int) -> None:
    if not 1 <= number <= MAX_TABLES:
        raise InvalidInput(
            "a table number is 1 to %(max_tables)s",
            params={"max_tables": MAX_TABLES},
            detail={"table": number},
        )


def _clean_name(value: str, what: str, *, required: bool = True) -> str:
    name = normalise_text(value)
    if (required and not name) or len(name) > MAX_NAME_LENGTH:
        low = 1 if required else 0
        raise InvalidInput(
            "%(what)s needs %(low)s to %(max_name_length)s characters",
            params={"what": what, "low": low, "max_name_length": MAX_NAME_LENGTH},
            detail={"field": what, "length": len(name)},
        )
    return name


@dataclass(frozen=True, slots=True)
class PhysicalSession:
    """A meeting in a room: where, when and for which neighbourhood.

    The host access code is not part of this object: only its hash is stored, by the store.
    """

    session_id: str
    consultation_id: str
    place: str
    held_on: date
    neighbourhood: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "place", _clean_name(self.place, "place"))
        object.__setattr__(
            self, "neighbourhood", _clean_name(self.neighbourhood, "neighbourhood", required=False)
        )

    @property
    def channel(self) -> str:
        """The channel of phone votes cast in the room (through the session's QR code)."""
        return session_channel(self.session_id)


@dataclass(frozen=True, slots=True)
class Table:
    """One table of a session, with its host and the number of paper forms printed for it.

    ``head_count`` is how many people sit at the table, when the facilitator declares it; without
    it, the printed forms (one per person) stand for the people. A show of hands can count no
    more hands than that (:attr:`people`).
    """

    session_id: str
    number: int
    host_name: str
    name: str = ""
    form_count: int = 20
    head_count: int | None = None

    def __post_init__(self) -> None:
        _check_table_number(self.number)
        if not 0 <= self.form_count <= FORMS_PER_TABLE_MAX:
            raise InvalidInput(
                "a table has 0 to %(forms_per_table_max)s paper forms",
                params={"forms_per_table_max": FORMS_PER_TABLE_MAX},
                detail={"form_count": self.form_count},
            )
        if self.head_count is not None and not (
            type(self.head_count) is int and 1 <= self.head_count <= MAX_HEAD_COUNT
        ):
            raise InvalidInput(
                "a table seats 1 to %(max_head_count)s people",
                params={"max_head_count": MAX_HEAD_COUNT},
                detail={"head_count": self.head_count},
            )
        object.__setattr__(self, "host_name", _clean_name(self.host_name, "host_name"))
        object.__setattr__(self, "name", _clean_name(self.name, "name", required=False))

    @property
    def channel(self) -> str:
        """The channel of participants entered from this table's paper forms."""
        return table_channel(self.session_id, self.number)

    @property
    def people(self) -> int:
        """How many people sit at the table: the declared head count, else the printed forms."""
        return self.form_count if self.head_count is None else self.head_count

    def check_tally(self, tally: TableTally) -> None:
        """Refuse a show of hands with more hands than people at this table."""
        if tally.total > self.people:
            raise TooManyHands(
                "%(total)s hands counted at table %(number)s, which has %(people)s people; "
                "count again, or declare how many people sit there",
                params={"total": tally.total, "number": self.number, "people": self.people},
                detail={
                    "table": self.number,
                    "statement_id": tally.statement_id,
                    "hands": tally.total,
                    "people": self.people,
                },
            )

    @property
    def form_numbers(self) -> range:
        """The form numbers printed for this table: ``number * 100 + 1`` onwards."""
        first = self.number * (FORMS_PER_TABLE_MAX + 1) + 1
        return range(first, first + self.form_count)


class FormAnswer(enum.StrEnum):
    """A tick on a paper form. ``BLANK`` means the statement was skipped: no vote."""

    AGREE = "eens"
    DISAGREE = "oneens"
    PASS = "weet niet"  # noqa: S105 (the answer "pass", not a password)
    BLANK = "leeg"

    @property
    def vote(self) -> Vote | None:
        """The vote this answer stands for, or ``None`` for a blank."""
        return _ANSWER_VOTES[self]


_ANSWER_VOTES: Mapping[FormAnswer, Vote | None] = {
    FormAnswer.AGREE: Vote.AGREE,
    FormAnswer.DISAGREE: Vote.DISAGREE,
    FormAnswer.PASS: Vote.PASS,
    FormAnswer.BLANK: None,
}


@dataclass(frozen=True, slots=True)
class FormStatement:
    """A statement as printed on a form: its short code (``S3``), its id and its text."""

    code: str
    statement_id: str
    text: str


def number_statements(statements: Sequence[tuple[str, str]]) -> tuple[FormStatement, ...]:
    """Give ``(statement_id, text)`` pairs the short codes ``S1``, ``S2``… in the given order.

    The order must be the round's fixed order (seeded statements first, then by creation), so
    the codes on a printed form still match when statements are added to the round later.
    """
    seen: set[str] = set()
    numbered = []
    for position, (statement_id, text) in enumerate(statements, start=1):
        if statement_id in seen:
            raise InvalidInput(
                "a statement appears twice on the form", detail={"statement_id": statement_id}
            )
        seen.add(statement_id)
        numbered.append(FormStatement(f"S{position}", statement_id, text))
    return tuple(numbered)


@dataclass(frozen=True, slots=True)
class PaperForm:
    """One filled-in paper form: one participant, whose channel is the form's table.

    ``answers`` pairs each statement id with the tick found on paper, in form order.
    """

    session_id: str
    table_number: int
    form_number: int
    answers: tuple[tuple[str, FormAnswer], ...]

    @property
    def channel(self) -> str:
        """The participant channel: the table the form was filled in at."""
        return table_channel(self.session_id, self.table_number)

    @property
    def votes(self) -> tuple[tuple[str, Vote], ...]:
        """The votes to record, ``(statement_id, vote)``; blanks are left out."""
        return tuple(
            (statement_id, vote)
            for statement_id, answer in self.answers
            if (vote := answer.vote) is not None
        )


@dataclass(frozen=True, slots=True)
class TableTally:
    """A show of hands on one statement at one table: aggregate counts, no individuals."""

    session_id: str
    table_number: int
    statement_id: str
    agree: int
    disagree: int
    passed: int
    counted_at: datetime

    def __post_init__(self) -> None:
        counts = (self.agree, self.disagree, self.passed)
        # bool is an int subclass; a True from a careless form parser must not count as 1 hand.
        if any(type(c) is not int or not 0 <= c <= MAX_TALLY_COUNT for c in counts):
            raise InvalidInput(
                "tally counts are whole numbers from 0 to %(max_tally_count)s",
                params={"max_tally_count": MAX_TALLY_COUNT},
                detail={"agree": self.agree, "disagree": self.disagree, "pass": self.passed},
            )
        if sum(counts) == 0:
            raise InvalidInput(
                "a tally needs at least one raised hand",
                detail={"statement_id": self.statement_id},
            )
        _check_table_number(self.table_number)

    @property
    def total(self) -> int:
        """How many hands were counted."""
        return self.agree + self.disagree + self.passed

    @property
    def channel(self) -> str:
        """The table channel the tally was taken at."""
        return table_channel(self.session_id, self.table_number)


def session_channel(session_id: str) -> str:
    """The channel of a session as a whole (phones in the room), ``session:<id>``."""
    if not session_id or "/" in session_id:
        raise InvalidInput("a session id is a non-empty name without '/'")
    return f"{_SESSION_PREFIX}{session_id}"


def table_channel(session_id: str, table_number: int) -> str:
    """The channel of one table of a session, ``session:<id>/table:<n>``."""
    return f"{session_channel(session_id)}{_TABLE_INFIX}{table_number}"


def session_of(channel: str) -> str:
    """The channel that per-channel figures group by: ``online`` or ``session:<id>``.

    >>> session_of("session:3f2a/table:4")
    'session:3f2a'
    >>> session_of("online")
    'online'
    """
    if not channel.startswith(_SESSION_PREFIX):
        # Legacy and sample channels (free table names) are not tied to a session.
        return ONLINE if channel == ONLINE else channel
    return channel.split(_TABLE_INFIX, 1)[0]


def provenance(
    session: PhysicalSession,
    table: Table | None = None,
    *,
    language: str = "nl",
    with_year: bool = False,
) -> str:
    """Where a contribution came from, for people: ``tafel 4, buurthuis De Pijp, 12 maart``.

    Parameters
    ----------
    session : PhysicalSession
        The session the contribution was made at.
    table : Table or None
        The table, or ``None`` for phone votes in the room.
    language : {"nl", "en"}
        Language of the words and the month name.
    with_year : bool
        Add the year, for reports read long after the event.
    """
    if language not in {"nl", "en"}:
        raise InvalidInput("provenance is available in Dutch (nl) and English (en)")
    parts = []
    if table is not None:
        label = f"{'tafel' if language == 'nl' else 'table'} {table.number}"
        parts.append(f"{label} ({table.name})" if table.name else label)
    parts.append(session.place)
    pattern = "d MMMM y" if with_year else "d MMMM"
    parts.append(format_date(session.held_on, pattern, locale=language))
    return ", ".join(parts)
