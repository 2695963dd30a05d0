"""The objects API answers are made of, as typed models, and how each is made from the core's.

Every answer is an :class:`~web.core.models.Answer` (``ok: true`` and its own fields), written by
:func:`~web.core.models.answer`; the same models are the response schemas of
``/api/openapi.json``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from deliberate.domain.consultations import Consultation
from deliberate.domain.rounds import Round
from deliberate.domain.sessions import Table
from deliberate.domain.statements import Statement
from web.core.models import Answer
from web.views.opinion_map import MapView

__all__ = [
    "ConsultationOut",
    "Done",
    "FormSpan",
    "GroupOut",
    "LineOut",
    "MapOut",
    "Part",
    "PointOut",
    "RoundOut",
    "StatementOut",
    "TableOut",
    "VoteOut",
    "consultation_out",
    "map_out",
    "round_out",
    "statement_fields",
    "table_out",
]


class Part(BaseModel):
    """A part of an answer; ``Part.model_validate(core_object)`` reads its attributes."""

    model_config = ConfigDict(
        frozen=True, from_attributes=True, json_schema_serialization_defaults_required=True
    )


class Done(Answer):
    """Nothing more to say than ``ok``."""


class ConsultationOut(Part):
    """The public facts of a consultation."""

    consultation_id: str
    join_code: str
    question: str
    description: str
    language: str
    strict_moderation: bool


class RoundOut(Part):
    """A round and its phase."""

    round_id: str
    position: int
    title: str
    phase: Literal["draft", "open", "closed", "published"]


class StatementOut(Part):
    """A statement as participants see it (no author)."""

    statement_id: str
    round_id: str
    text: str
    status: Literal["pending", "accepted", "rejected"]


class VoteOut(Part):
    """A vote: the statement and +1 (agree), -1 (disagree) or 0 (pass)."""

    statement_id: str
    value: Literal[1, -1, 0]


class PointOut(Part):
    x: float
    y: float
    group: int | None


class LineOut(Part):
    text: str
    direction: str


class GroupOut(Part):
    label: str
    size: int | None
    suppressed: bool
    representative: list[LineOut]


class MapOut(Part):
    """The anonymous map: points, groups, consensus (``version`` null before the first one)."""

    version: int | None
    n_participants: int
    n_votes: int
    points: list[PointOut]
    groups: list[GroupOut]
    consensus: list[LineOut]


class FormSpan(Part):
    first: int
    last: int


class TableOut(Part):
    """A table, its printed form numbers and how many of its forms were entered."""

    number: int
    name: str
    host_name: str
    form_count: int
    form_numbers: FormSpan | None
    forms_entered: int


def consultation_out(consultation: Consultation) -> ConsultationOut:
    """The public facts of ``consultation``."""
    return ConsultationOut.model_validate(consultation)


def round_out(round_: Round) -> RoundOut:
    """``round_`` and its phase."""
    return RoundOut.model_validate(round_)


def statement_fields(statement: Statement) -> dict[str, Any]:
    """The fields of :class:`StatementOut`, for it and the answers that add to it."""
    return StatementOut.model_validate(statement).model_dump()


def map_out(view: MapView) -> MapOut:
    """The anonymous map of ``view``."""
    return MapOut(
        version=view.version,
        n_participants=view.n_participants,
        n_votes=view.n_votes,
        points=[PointOut(x=x, y=y, group=g) for x, y, g in view.points],
        groups=[
            GroupOut(
                label=g.label,
                size=g.size,
                suppressed=g.suppressed,
                representative=[LineOut(text=t, direction=d) for t, d in g.representative],
            )
            for g in view.groups
        ],
        consensus=[LineOut(text=t, direction=d) for t, d in view.consensus],
    )


def table_out(table: Table, entered: int = 0) -> TableOut:
    """``table``, its printed form numbers and how many of its forms were entered."""
    span = table.form_numbers
    return TableOut(
        number=table.number,
        name=table.name,
        host_name=table.host_name,
        form_count=table.form_count,
        form_numbers=FormSpan(first=span.start, last=span.stop - 1) if span else None,
        forms_entered=entered,
    )
