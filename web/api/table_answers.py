"""The typed answers of table sessions (:mod:`web.api.sessions`, :mod:`web.api.hosts`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field

from web.api.answers import Part, StatementOut, TableOut, VoteOut
from web.core.models import Answer

__all__ = [
    "BarOut",
    "Counts",
    "Figures",
    "FormEntered",
    "FormOut",
    "FormStatement",
    "FormStatements",
    "HostCode",
    "HostToken",
    "OneTable",
    "RoomBarOut",
    "RoomStatement",
    "SessionCreated",
    "SessionOut",
    "Sessions",
    "TableStatementAdded",
    "TableStatementOut",
    "TallyOut",
    "TallyRecorded",
    "Uploaded",
]


class Counts(Part):
    forms: int
    tallies: int
    statements: int


class SessionOut(Part):
    session_id: str
    consultation_id: str
    place: str
    held_on: date
    neighbourhood: str
    host_url: str
    room_url: str
    tables: list[TableOut]
    counts: Counts


class Sessions(Answer):
    sessions: list[SessionOut]


class HostCode(Answer):
    session_id: str
    host_code: Annotated[str, Field(pattern="^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")]
    host_url: str


class SessionCreated(HostCode):
    session: SessionOut


class OneTable(Answer):
    table: TableOut


class BarOut(Part):
    agree_percent: int
    disagree_percent: int
    pass_percent: int
    total: int


class RoomBarOut(BarOut):
    hands: int


class RoomStatement(Part):
    statement_id: str
    text: str
    online: BarOut
    room: RoomBarOut
    difference: float | None
    difference_points: int | None
    flagged: bool
    raised_here: bool


class Figures(Answer):
    session_id: str
    empty: bool
    hands: int
    statements: list[RoomStatement]
    flagged: list[str]
    unite: list[str]
    divide: list[str]


class HostToken(Answer):
    token: str
    expires: int
    expires_at: str
    session_id: str


class FormStatement(Part):
    code: str
    statement_id: str
    text: str


class FormStatements(Answer):
    session_id: str
    statements: list[FormStatement]
    tables: list[TableOut]


class FormOut(Part):
    form_number: int
    table: int
    participant_id: str
    votes: list[VoteOut]


class FormEntered(Answer):
    form: FormOut


class Uploaded(Answer):
    forms: int
    form_numbers: list[int]
    participant_ids: list[str]
    votes: int
    skipped_rows: list[int]


class TallyOut(Part):
    model_config = ConfigDict(
        frozen=True, populate_by_name=True, json_schema_serialization_defaults_required=True
    )
    table: int
    statement_id: str
    code: str | None
    agree: int
    disagree: int
    passed: int = Field(alias="pass")
    total: int
    counted_at: str


class TallyRecorded(Answer):
    tally: TallyOut
    replaced: bool


class TableStatementOut(StatementOut):
    origin: str


class TableStatementAdded(Answer):
    statement: TableStatementOut
