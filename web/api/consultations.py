"""The facilitator's JSON API: log in, consultations and rounds, seeding, moderation, the map.

Facilitators authenticate with the session from ``POST /api/session`` (cookie, or
``Authorization: Bearer``). The route table (:mod:`web.api.routes`) says which role each call
needs; the loader has checked it before a handler runs.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict
from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.statements import ModerationStatus
from deliberate.service.consultations import MAX_DESCRIPTION_LENGTH, MAX_QUESTION_LENGTH
from web.api.answers import (
    ConsultationOut,
    Done,
    MapOut,
    RoundOut,
    StatementOut,
    consultation_out,
    map_out,
    round_out,
)
from web.console.maps import join_url, map_view
from web.core.identity import FACILITATOR, SESSION_COOKIE, bearer_token
from web.core.models import (
    WORDS,
    Answer,
    Body,
    Choice,
    Flag,
    Text,
    TextList,
    answer,
    parse,
    read_body,
)
from web.core.operations import operation
from web.core.routing import Context

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
