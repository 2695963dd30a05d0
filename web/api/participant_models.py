"""The typed bodies and answers of the participant's JSON API (:mod:`web.api.participant`).

Each model validates a request body or writes an answer, and documents itself in the generated
OpenAPI document (:mod:`web.api.openapi`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from deliberate.domain.votes import VoteRecord
from web.api.answers import ConsultationOut, MapOut, Part, RoundOut, StatementOut, VoteOut
from web.core.models import Answer, Body, Choice, StatementText, Text

__all__ = [
    "Added",
    "CastVote",
    "Draft",
    "Erased",
    "Export",
    "Found",
    "Health",
    "Join",
    "Joined",
    "NewStatement",
    "Next",
    "Progress",
    "PublicConsultation",
    "Results",
    "ScoredStatement",
    "Similar",
    "Vote",
    "VoteHeaders",
    "Voted",
    "Votes",
    "voted",
]

_VOTES = {"agree": 1, "disagree": -1, "pass": 0}


class Health(Answer):
    status: Literal["ready"]


class Found(Answer):
    consultation: ConsultationOut


class PublicConsultation(Answer):
    consultation: ConsultationOut
    rounds: list[RoundOut]


class Join(Body):
    consent: Annotated[bool, Choice((True,), "agree to the privacy statement to take part")]


class Joined(Answer):
    participant_token: str
    consultation_id: str
    consent_version: str


class Progress(Part):
    voted: int
    total: int


class Next(Answer):
    statement: StatementOut | None
    progress: Progress


class Vote(Body):
    vote: Annotated[
        int,
        Choice(
            (*_VOTES, 1, -1, 0),
            "vote is agree, disagree or pass (or 1, -1, 0)",
            convert=lambda value: _VOTES.get(value, value),
        ),
    ]
    statement_id: Annotated[str, Text(64)]


class VoteHeaders(Body):
    idempotency_key: Annotated[str | None, Text(128, nullable=True, documented_min=1)] = Field(
        None, alias="Idempotency-Key"
    )


class CastVote(VoteOut):
    changed: bool


class Voted(Answer):
    vote: CastVote


def voted(record: VoteRecord) -> Voted:
    """The answer to a cast vote, from the route and from the vote lane alike."""
    value = int(record.value)
    cast = CastVote(statement_id=record.statement_id, value=value, changed=record.changed)  # type: ignore[arg-type]
    return Voted(vote=cast)


class Votes(Answer):
    votes: list[VoteOut]


class NewStatement(Body):
    text: Annotated[str, StatementText()]


class Added(Answer):
    statement: StatementOut


class Draft(Body):
    text: Annotated[str, StatementText(core_checks=False)] = ""


class ScoredStatement(StatementOut):
    score: float


class Similar(Answer):
    similar: list[ScoredStatement]


class Results(Answer):
    group: str | None
    map: MapOut


class Export(Answer):
    export: dict[str, Any]


class Erased(Answer):
    erased_at: str
