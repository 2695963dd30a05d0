"""The typed bodies and answers of the facilitator's JSON API (:mod:`web.api.consultations`).

Each model validates a request body or writes an answer, and documents itself in the generated
OpenAPI document (:mod:`web.api.openapi`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict

from deliberate.domain.statements import ModerationStatus
from deliberate.service.consultations import MAX_DESCRIPTION_LENGTH, MAX_QUESTION_LENGTH
from web.api.answers import ConsultationOut, MapOut, RoundOut, StatementOut
from web.core.models import WORDS, Answer, Body, Choice, Flag, Text, TextList

__all__ = [
    "ConsultationEdit",
    "Consultations",
    "Created",
    "Edited",
    "Listed",
    "Login",
    "Map",
    "Moderated",
    "ModeratedStatement",
    "Moderation",
    "NewConsultation",
    "NewRound",
    "OneRound",
    "PhaseChange",
    "RoledConsultation",
    "Seed",
    "Seeded",
    "Session",
    "StatusFilter",
]

_LANGUAGES = ("nl", "en")
_STATUSES = tuple(s.value for s in ModerationStatus)
_STATUS = "status is pending, accepted or rejected"


class Login(Body):
    username: Annotated[str, Text(200)]
    password: Annotated[str, Text(200)]


class Session(Answer):
    session_token: str
    username: str
    expires_at: str


class RoledConsultation(ConsultationOut):
    role: str


class Consultations(Answer):
    consultations: list[RoledConsultation]


class NewConsultation(Body):
    question: Annotated[str, Text(MAX_QUESTION_LENGTH, words=True)]
    description: Annotated[str, Text(MAX_DESCRIPTION_LENGTH)] = ""
    language: Annotated[str, Text(8, documented_enum=_LANGUAGES)] = "nl"
    strict_moderation: Annotated[bool, Flag(lenient=True)] = False


class Created(Answer):
    consultation: ConsultationOut
    join_url: str


class ConsultationEdit(Body):
    question: Annotated[str | None, Text(MAX_QUESTION_LENGTH, words=True, nullable=True)] = None
    description: Annotated[str | None, Text(MAX_DESCRIPTION_LENGTH, nullable=True)] = None
    language: Annotated[str | None, Text(8, nullable=True, documented_enum=_LANGUAGES)] = None
    strict_moderation: Annotated[bool | None, Flag(nullable=True)] = None


class Edited(Answer):
    consultation: ConsultationOut


class NewRound(Body):
    title: Annotated[str, Text(MAX_QUESTION_LENGTH, words=True)]


class PhaseChange(Body):
    phase: Annotated[
        str, Choice(("open", "closed", "published"), "phase is open, closed or published")
    ]


class OneRound(Answer):
    round: RoundOut


class Seed(Body):
    statements: Annotated[list[str], TextList(min_items=1, too_few="give at least one statement")]
    round_id: Annotated[str | None, Text(64, nullable=True)] = None


class Seeded(Answer):
    statements: list[StatementOut]


class StatusFilter(Body):
    status: Annotated[str | None, Choice(_STATUSES, _STATUS, nullable=True)] = None


class ModeratedStatement(StatementOut):
    reason: str


class Moderated(Answer):
    statement: ModeratedStatement


class Listed(Answer):
    statements: list[ModeratedStatement]


class Moderation(Body):
    """A rejection needs a reason that says something (the core checks it)."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"status": {"const": "rejected"}}},
            "then": {"required": ["reason"], "properties": {"reason": {"pattern": WORDS}}},
        }
    )
    status: Annotated[str, Choice(_STATUSES, _STATUS)]
    reason: Annotated[str, Text(2000)] = ""


class Map(Answer):
    map: MapOut
