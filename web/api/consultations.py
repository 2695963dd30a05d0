"""The facilitator's JSON API: log in, consultations and rounds, seeding, moderation, the map.

Facilitators authenticate with the session from ``POST /api/session`` (cookie, or
``Authorization: Bearer``). The route table (:mod:`web.api.routes`) says which role each call
needs; the loader has checked it before a handler runs.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.statements import ModerationStatus
from web.api.answers import (
    Done,
    StatementOut,
    consultation_out,
    map_out,
    round_out,
)
from web.api.consultation_models import (
    ConsultationEdit,
    Consultations,
    Created,
    Edited,
    Listed,
    Login,
    Map,
    Moderated,
    ModeratedStatement,
    Moderation,
    NewConsultation,
    NewRound,
    OneRound,
    PhaseChange,
    RoledConsultation,
    Seed,
    Seeded,
    Session,
    StatusFilter,
)
from web.console.maps import join_url, map_view
from web.core.identity import FACILITATOR, SESSION_COOKIE, bearer_token
from web.core.models import (
    answer,
    parse,
    read_body,
)
from web.core.operations import operation
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


@operation(Session, status=201, body=Login)
async def login(request: Request, ctx: Context) -> Response:
    """Start a facilitator session (rate limited)."""
    app_state = ctx.app
    body = await read_body(request, Login)
    address = request.client.host if request.client else ""
    facilitator = await app_state.cpu.run(
        app_state.service.authenticate, body.username, body.password, address=address
    )
    token, session = app_state.service.create_session(facilitator.facilitator_id)
    response = answer(
        Session(
            session_token=token,
            username=facilitator.username,
            expires_at=session.absolute_expires_at.isoformat(),
        ),
        status=201,
    )
    FACILITATOR.set_cookie(response, token)
    return response


@operation(Done)
async def logout(request: Request, ctx: Context) -> Response:
    """End the facilitator session."""
    token = request.cookies.get(SESSION_COOKIE) or bearer_token(request) or ""
    ctx.service.revoke_session(token)
    response = answer(Done())
    FACILITATOR.clear_cookie(response)
    return response


@operation(Consultations)
async def list_consultations(request: Request, ctx: Context) -> Response:
    """The consultations the facilitator has a role in."""
    service = ctx.service
    roles = service.roles(ctx.facilitator_id)
    found = [
        RoledConsultation(
            **consultation_out(service.get_consultation(cid)).model_dump(), role=role.value
        )
        for cid, role in sorted(roles.items())
    ]
    return answer(Consultations(consultations=found))


@operation(Created, status=201, body=NewConsultation)
async def create_consultation(request: Request, ctx: Context) -> Response:
    """Create a consultation; the caller becomes its owner."""
    body = await read_body(request, NewConsultation)
    consultation = ctx.service.create_consultation(
        body.question,
        description=body.description,
        language=body.language,
        strict_moderation=body.strict_moderation,
        owner_id=ctx.facilitator_id,
    )
    created = Created(
        consultation=consultation_out(consultation),
        join_url=join_url(request, consultation.join_code),
    )
    return answer(created, status=201)


@operation(Edited, body=ConsultationEdit)
async def edit_consultation(request: Request, ctx: Context) -> Response:
    """Change some fields of a consultation (owner)."""
    body = await read_body(request, ConsultationEdit)
    consultation = ctx.service.edit_consultation(
        ctx.consultation.consultation_id,
        question=body.question,
        description=body.description,
        language=body.language,
        strict_moderation=body.strict_moderation,
    )
    return answer(Edited(consultation=consultation_out(consultation)))


@operation(OneRound, status=201, body=NewRound)
async def create_round(request: Request, ctx: Context) -> Response:
    """Add a draft round (owner)."""
    body = await read_body(request, NewRound)
    round_ = ctx.service.create_round(ctx.consultation.consultation_id, body.title)
    return answer(OneRound(round=round_out(round_)), status=201)


@operation(OneRound, body=PhaseChange)
async def move_round(request: Request, ctx: Context) -> Response:
    """Open, close or publish a round (owner)."""
    service, round_ = ctx.service, ctx.round
    target = (await read_body(request, PhaseChange)).phase
    actions = {
        "open": service.open_round,
        "closed": service.close_round,
        "published": service.publish_round,
    }
    return answer(OneRound(round=round_out(actions[target](round_.round_id))))


@operation(Seeded, status=201, body=Seed)
async def seed_statements(request: Request, ctx: Context) -> Response:
    """Seed statements, all or none (moderator)."""
    body = await read_body(request, Seed)
    created = ctx.service.seed_statements(
        ctx.consultation.consultation_id,
        body.statements,
        round_id=body.round_id,
        facilitator_id=ctx.facilitator_id,
    )
    seeded = [StatementOut.model_validate(s) for s in created]
    return answer(Seeded(statements=seeded), status=201)


@operation(Listed, query=StatusFilter)
async def statements(request: Request, ctx: Context) -> Response:
    """Every statement with its moderation status (viewer); ``?status=pending`` filters."""
    wanted = parse(StatusFilter, dict(request.query_params)).status
    status = ModerationStatus(wanted) if wanted is not None else None
    found = ctx.service.list_statements(ctx.consultation.consultation_id, status=status)
    listed = [ModeratedStatement.model_validate(s) for s in found]
    return answer(Listed(statements=listed))


@operation(Moderated, body=Moderation)
async def moderate(request: Request, ctx: Context) -> Response:
    """Accept or reject a statement with a reason (moderator)."""
    body = await read_body(request, Moderation)
    done = ctx.service.moderate(
        ctx.statement.statement_id,
        body.status,
        reason=body.reason,
        facilitator_id=ctx.facilitator_id,
    )
    statement = ModeratedStatement.model_validate(done)
    return answer(Moderated(statement=statement))


@operation(Map)
async def opinion_map(request: Request, ctx: Context) -> Response:
    """The latest map (viewer)."""
    return answer(Map(map=map_out(map_view(request, ctx.consultation.consultation_id))))
