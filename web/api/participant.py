"""The participant's JSON API: find a consultation, join, vote, add statements, own data.

Participants authenticate with ``Authorization: Bearer <token>`` (the token ``POST
/api/consultations/{id}/participants`` returns) or the browser cookie. Every success is ``{"ok":
true, ...}``; every error is ``{"ok": false, "error", "code", "status"}`` (see
:mod:`web.core.errors`). ``/api/openapi.json`` describes it all (:mod:`web.api.openapi`).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.rounds import Phase
from deliberate.errors import InvalidInput, NotFound
from web.api.common import consultation_json, map_json, ok, round_json, statement_json
from web.console.maps import map_view
from web.core.bodies import read_json
from web.core.errors import WebError
from web.core.identity import PARTICIPANT, participant_token
from web.core.routing import Context
from web.views.opinion_map import group_label, participant_group
from web.views.statements import progress_of, visible_statements

__all__ = [
    "cast_vote",
    "consultation_by_code",
    "erase_me",
    "export_me",
    "health",
    "join",
    "my_results",
    "my_votes",
    "next_statement",
    "public_consultation",
    "similar",
    "submit_statement",
]

_VOTES = {"agree": 1, "disagree": -1, "pass": 0}


async def health(request: Request, ctx: Context) -> Response:
    """Liveness: the app answers and reaches its store."""
    ctx.service.list_consultations()
    return ok({"status": "ready"})


async def consultation_by_code(request: Request, ctx: Context) -> Response:
    """Look a consultation up by its join code."""
    code = request.path_params["join_code"]
    if len(code) > 32:
        raise NotFound("no consultation has this code")
    consultation = ctx.service.find_consultation(code)
    return ok({"consultation": consultation_json(consultation)})


async def public_consultation(request: Request, ctx: Context) -> Response:
    """A consultation and its rounds, as participants see them (draft rounds are the
    facilitators' own: not even their titles are shown)."""
    consultation = ctx.consultation
    rounds = [
        r
        for r in ctx.service.list_rounds(consultation.consultation_id)
        if r.phase is not Phase.DRAFT
    ]
    return ok(
        {
            "consultation": consultation_json(consultation),
            "rounds": [round_json(r) for r in rounds],
        }
    )


async def join(request: Request, ctx: Context) -> Response:
    """Join with consent; returns the participant token (also set as cookie)."""
    app_state, consultation = ctx.app, ctx.consultation
    body = await read_json(request)
    if body.raw("consent") is not True:
        raise WebError(422, "consent_required", "agree to the privacy statement to take part")
    app_state.joins.hit(request.client.host if request.client else "")
    participant = app_state.service.join(
        consultation.consultation_id, consent_version=app_state.settings.consent_version
    )
    token = participant_token(app_state.settings.secret_key, participant.participant_id)
    response = ok(
        {
            "participant_token": token,
            "consultation_id": consultation.consultation_id,
            "consent_version": app_state.settings.consent_version,
        },
        status=201,
    )
    PARTICIPANT.set_cookie(response, token, consultation.consultation_id)
    return response


async def next_statement(request: Request, ctx: Context) -> Response:
    """The statement to vote on next (``null`` when none is left) and the progress."""
    consultation, participant = ctx.consultation, ctx.joined
    statement = ctx.service.next_statement(participant.participant_id)
    progress = progress_of(ctx.service, consultation, participant)
    return ok(
        {
            "statement": statement_json(statement) if statement else None,
            "progress": {"voted": progress.voted, "total": progress.total},
        }
    )


async def cast_vote(request: Request, ctx: Context) -> Response:
    """Cast or change a vote; ``Idempotency-Key`` makes retries safe."""
    body = await read_json(request)
    raw = body.raw("vote")
    value = _VOTES.get(raw) if isinstance(raw, str) else raw
    if isinstance(value, bool) or not isinstance(value, int) or value not in (-1, 0, 1):
        raise InvalidInput("vote is agree, disagree or pass (or 1, -1, 0)")
    key = request.headers.get("idempotency-key")
    # The service checks the participant and the consultation in the vote statement itself
    # (the route is ``checked_by_service``); the event loop awaits the group commit.
    record = await ctx.service.cast_vote_async(
        ctx.participant_id,
        body.text("statement_id", max_length=64),
        value,
        idempotency_key=key,
        consultation_id=request.path_params["consultation_id"],
    )
    return ok(
        {
            "vote": {
                "statement_id": record.statement_id,
                "value": int(record.value),
                "changed": record.changed,
            }
        }
    )


async def my_votes(request: Request, ctx: Context) -> Response:
    """The participant's current votes."""
    votes = ctx.service.list_votes(ctx.joined.participant_id)
    return ok({"votes": [{"statement_id": v.statement_id, "value": int(v.value)} for v in votes]})


async def submit_statement(request: Request, ctx: Context) -> Response:
    """Add a statement to the open round."""
    body = await read_json(request)
    text = body.text("text", max_length=10 * ctx.app.settings.max_statement_length)
    statement = ctx.service.submit_statement(ctx.joined.participant_id, text)
    return ok({"statement": statement_json(statement)}, status=201)


async def similar(request: Request, ctx: Context) -> Response:
    """Existing statements similar to a draft (empty while detection is unavailable)."""
    app_state, consultation = ctx.app, ctx.consultation
    text = request.query_params.get("text", "")
    if len(text) > 10 * app_state.settings.max_statement_length:
        raise InvalidInput("the draft is too long")
    statements = visible_statements(app_state.service, consultation)
    found = await app_state.cpu.run(
        app_state.similar.similar, consultation.consultation_id, statements, text
    )
    return ok({"similar": [statement_json(s) | {"score": round(score, 3)} for s, score in found]})


async def my_results(request: Request, ctx: Context) -> Response:
    """The participant's group and what unites everyone."""
    consultation_id = ctx.consultation.consultation_id
    stored = ctx.service.latest_analysis(consultation_id)
    index = participant_group(stored.payload if stored else None, ctx.joined.participant_id)
    view = map_view(request, consultation_id)
    return ok({"group": group_label(index) if index is not None else None, "map": map_json(view)})


async def export_me(request: Request, ctx: Context) -> Response:
    """Everything stored about the participant (R-D2)."""
    return ok({"export": ctx.service.export_participant(ctx.joined.participant_id)})


async def erase_me(request: Request, ctx: Context) -> Response:
    """Erase the participant (R-D3); the token stops working at once."""
    consultation_id = ctx.consultation.consultation_id
    erased_at = ctx.service.erase_participant(ctx.joined.participant_id)
    response = ok({"erased_at": erased_at.isoformat()})
    PARTICIPANT.clear_cookie(response, consultation_id)
    return response
