"""What every API answer has in common: the success envelope and the JSON of core objects."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from deliberate.domain.consultations import Consultation
from deliberate.domain.rounds import Round
from deliberate.domain.statements import Statement
from web.views.opinion_map import MapView

__all__ = ["consultation_json", "map_json", "ok", "round_json", "statement_json"]


def ok(data: dict[str, Any], status: int = 200) -> JSONResponse:
    """A success body."""
    response = JSONResponse({"ok": True, **data}, status_code=status)
    response.headers["cache-control"] = "no-store"
    return response


def consultation_json(consultation: Consultation) -> dict[str, Any]:
    """The public facts of a consultation."""
    return {
        "consultation_id": consultation.consultation_id,
        "join_code": consultation.join_code,
        "question": consultation.question,
        "description": consultation.description,
        "language": consultation.language,
        "strict_moderation": consultation.strict_moderation,
    }


def round_json(round_: Round) -> dict[str, Any]:
    """A round and its phase."""
    return {
        "round_id": round_.round_id,
        "position": round_.position,
        "title": round_.title,
        "phase": round_.phase.value,
    }


def statement_json(statement: Statement) -> dict[str, Any]:
    """A statement as participants see it (no author)."""
    return {
        "statement_id": statement.statement_id,
        "round_id": statement.round_id,
        "text": statement.text,
        "status": statement.status.value,
    }


def map_json(view: MapView) -> dict[str, Any]:
    """The anonymous map: points, groups, consensus and vote bars."""
    return {
        "version": view.version,
        "n_participants": view.n_participants,
        "n_votes": view.n_votes,
        "points": [{"x": x, "y": y, "group": g} for x, y, g in view.points],
        "groups": [
            {
                "label": g.label,
                "size": g.size,
                "suppressed": g.suppressed,
                "representative": [{"text": t, "direction": d} for t, d in g.representative],
            }
            for g in view.groups
        ],
        "consensus": [{"text": t, "direction": d} for t, d in view.consensus],
    }
