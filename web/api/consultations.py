"""The facilitator's JSON API: log in, consultations and rounds, seeding, moderation, the map.

Facilitators authenticate with the session from ``POST /api/session`` (cookie, or
``Authorization: Bearer``). The route table (:mod:`web.api.routes`) says which role each call
needs; the loader has checked it before a handler runs.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.statements import ModerationStatus
from deliberate.errors import InvalidInput
from deliberate.service.consultations import MAX_DESCRIPTION_LENGTH, MAX_QUESTION_LENGTH
from web.api.common import consultation_json, map_json, ok, round_json, statement_json
from web.console.maps import join_url, map_view
from web.core.bodies import read_json
from web.core.identity import FACILITATOR, SESSION_COOKIE, bearer_token
from web.core.routing import Context

__all__ = [
    "create_consultation",
    "create_round",
    "edit_consultation",
    "list_consultations",
    "login",
    "logout",
    "moderate",
    "move_round",
    "opinion_map",
    "seed_statements",
    "statements",
]


async def login(request: Request, ctx: Context) -> Response:
    """Start a facilitator session (rate limited)."""
    app_state = ctx.app
    body = await read_json(request)
    address = request.client.host if request.client else ""
    facilitator = await app_state.cpu.run(
        app_state.service.authenticate,
        body.text("username", max_length=200),
        body.text("password", max_length=200),
        address=address,
    )
    token, session = app_state.service.create_session(facilitator.facilitator_id)
    response = ok(
        {
            "session_token": token,
            "username": facilitator.username,
            "expires_at": session.absolute_expires_at.isoformat(),
        },
        status=201,
    )
    FACILITATOR.set_cookie(response, token)
    return response


async def logout(request: Request, ctx: Context) -> Response:
    """End the facilitator session."""
    token = request.cookies.get(SESSION_COOKIE) or bearer_token(request) or ""
    ctx.service.revoke_session(token)
    response = ok({})
    FACILITATOR.clear_cookie(response)
    return response


async def list_consultations(request: Request, ctx: Context) -> Response:
    """The consultations the facilitator has a role in."""
    service = ctx.service
    roles = service.roles(ctx.facilitator_id)
    return ok(
        {
            "consultations": [
                consultation_json(service.get_consultation(cid)) | {"role": role.value}
                for cid, role in sorted(roles.items())
            ]
        }
    )


async def create_consultation(request: Request, ctx: Context) -> Response:
    """Create a consultation; the caller becomes its owner."""
    service = ctx.service
    body = await read_json(request)
    consultation = service.create_consultation(
        body.text("question", max_length=MAX_QUESTION_LENGTH),
        description=body.text("description", default="", max_length=MAX_DESCRIPTION_LENGTH),
        language=body.text("language", default="nl", max_length=8),
        strict_moderation=body.flag("strict_moderation"),
        owner_id=ctx.facilitator_id,
    )
    return ok(
        {
            "consultation": consultation_json(consultation),
            "join_url": join_url(request, consultation.join_code),
        },
        status=201,
    )


async def edit_consultation(request: Request, ctx: Context) -> Response:
    """Change some fields of a consultation (owner)."""
    service, consultation_id = ctx.service, ctx.consultation.consultation_id
    body = await read_json(request)
    strict = body.raw("strict_moderation")
    if strict is not None and not isinstance(strict, bool):
        raise InvalidInput("strict_moderation must be true or false")
    consultation = service.edit_consultation(
        consultation_id,
        question=body.optional_text("question", max_length=MAX_QUESTION_LENGTH),
        description=body.optional_text("description", max_length=MAX_DESCRIPTION_LENGTH),
        language=body.optional_text("language", max_length=8),
        strict_moderation=strict,
    )
    return ok({"consultation": consultation_json(consultation)})


async def create_round(request: Request, ctx: Context) -> Response:
    """Add a draft round (owner)."""
    service, consultation_id = ctx.service, ctx.consultation.consultation_id
    body = await read_json(request)
    round_ = service.create_round(consultation_id, body.text("title", max_length=600))
    return ok({"round": round_json(round_)}, status=201)


async def move_round(request: Request, ctx: Context) -> Response:
    """Open, close or publish a round (owner)."""
    service, round_ = ctx.service, ctx.round
    body = await read_json(request)
    target = body.text("phase", max_length=16)
    actions = {
        "open": service.open_round,
        "closed": service.close_round,
        "published": service.publish_round,
    }
    if target not in actions:
        raise InvalidInput("phase is open, closed or published")
    return ok({"round": round_json(actions[target](round_.round_id))})


async def seed_statements(request: Request, ctx: Context) -> Response:
    """Seed statements, all or none (moderator)."""
    service, consultation_id = ctx.service, ctx.consultation.consultation_id
    body = await read_json(request)
    texts = body.text_list("statements")
    if not texts:
        raise InvalidInput("give at least one statement")
    created = service.seed_statements(
        consultation_id,
        texts,
        round_id=body.optional_text("round_id", max_length=64),
        facilitator_id=ctx.facilitator_id,
    )
    return ok({"statements": [statement_json(s) for s in created]}, status=201)


async def statements(request: Request, ctx: Context) -> Response:
    """Every statement with its moderation status (viewer); ``?status=pending`` filters."""
    service, consultation_id = ctx.service, ctx.consultation.consultation_id
    raw_status = request.query_params.get("status")
    status = None
    if raw_status is not None:
        if raw_status not in {s.value for s in ModerationStatus}:
            raise InvalidInput("status is pending, accepted or rejected")
        status = ModerationStatus(raw_status)
    found = service.list_statements(consultation_id, status=status)
    return ok({"statements": [statement_json(s) | {"reason": s.reason} for s in found]})


async def moderate(request: Request, ctx: Context) -> Response:
    """Accept or reject a statement with a reason (moderator)."""
    service, statement = ctx.service, ctx.statement
    body = await read_json(request)
    status = body.text("status", max_length=16)
    if status not in {s.value for s in ModerationStatus}:
        raise InvalidInput("status is pending, accepted or rejected")
    moderated = service.moderate(
        statement.statement_id,
        status,
        reason=body.text("reason", default="", max_length=2000),
        facilitator_id=ctx.facilitator_id,
    )
    return ok({"statement": statement_json(moderated) | {"reason": moderated.reason}})


async def opinion_map(request: Request, ctx: Context) -> Response:
    """The latest map (viewer)."""
    return ok({"map": map_json(map_view(request, ctx.consultation.consultation_id))})
