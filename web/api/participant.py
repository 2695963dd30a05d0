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
from deliberate.errors import ConsentNotGiven, InvalidInput, NotFound
from web.api.answers import (
    StatementOut,
    VoteOut,
    consultation_out,
    map_out,
    round_out,
    statement_fields,
)
from web.api.participant_models import (
    Added,
    Draft,
    Erased,
    Export,
    Found,
    Health,
    Join,
    Joined,
    NewStatement,
    Next,
    Progress,
    PublicConsultation,
    Results,
    ScoredStatement,
    Similar,
    Vote,
    Voted,
    VoteHeaders,
    Votes,
    voted,
)
from web.console.maps import map_view
from web.core.identity import PARTICIPANT, participant_token
from web.core.models import answer, parse, read_body
from web.core.operations import operation
from web.core.routing import Context
from web.views.opinion_map import group_name, participant_group
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


@operation(Health)
async def health(request: Request, ctx: Context) -> Response:
    """Liveness: the app answers and reaches its store."""
    ctx.service.list_consultations()
    return answer(Health(status="ready"))


@operation(Found)
async def consultation_by_code(request: Request, ctx: Context) -> Response:
    """Look a consultation up by its join code."""
    code = request.path_params["join_code"]
    if len(code) > 32:
        raise NotFound("no consultation has this code")
    consultation = ctx.service.find_consultation(code)
    return answer(Found(consultation=consultation_out(consultation)))


@operation(PublicConsultation)
async def public_consultation(request: Request, ctx: Context) -> Response:
    """A consultation and its rounds, as participants see them (draft rounds are the
    facilitators' own: not even their titles are shown)."""
    consultation = ctx.consultation
    rounds = [
        r
        for r in ctx.service.list_rounds(consultation.consultation_id)
        if r.phase is not Phase.DRAFT
    ]
    return answer(
        PublicConsultation(
            consultation=consultation_out(consultation), rounds=[round_out(r) for r in rounds]
        )
    )


@operation(Joined, status=201, body=Join)
async def join(request: Request, ctx: Context) -> Response:
    """Join with consent; returns the participant token (also set as cookie)."""
    app_state, consultation = ctx.app, ctx.consultation
    try:
        await read_body(request, Join)
    except InvalidInput:
        raise ConsentNotGiven("agree to the privacy statement to take part") from None
    app_state.joins.hit(request.client.host if request.client else "")
    participant = app_state.service.join(
        consultation.consultation_id, consent_version=app_state.settings.consent_version
    )
    token = participant_token(app_state.settings.secret_key, participant.participant_id)
    response = answer(
        Joined(
            participant_token=token,
            consultation_id=consultation.consultation_id,
            consent_version=app_state.settings.consent_version,
        ),
        status=201,
    )
    PARTICIPANT.set_cookie(response, token, consultation.consultation_id)
    return response


@operation(Next)
async def next_statement(request: Request, ctx: Context) -> Response:
    """The statement to vote on next (``null`` when none is left) and the progress."""
    consultation, participant = ctx.consultation, ctx.joined
    statement = ctx.service.next_statement(participant.participant_id)
    progress = progress_of(ctx.service, consultation, participant)
    return answer(
        Next(
            statement=StatementOut.model_validate(statement) if statement else None,
            progress=Progress(voted=progress.voted, total=progress.total),
        )
    )


@operation(Voted, body=Vote, headers=VoteHeaders)
async def cast_vote(request: Request, ctx: Context) -> Response:
    """Cast or change a vote; ``Idempotency-Key`` makes retries safe."""
    body = await read_body(request, Vote)
    key = request.headers.get("idempotency-key")
    # The service checks the participant and the consultation in the vote statement itself
    # (the route is ``checked_by_service``); the event loop awaits the group commit.
    record = await ctx.service.cast_vote_async(
        ctx.participant_id,
        body.statement_id,
        body.vote,
        idempotency_key=key,
        consultation_id=request.path_params["consultation_id"],
    )
    return answer(voted(record))


@operation(Votes)
async def my_votes(request: Request, ctx: Context) -> Response:
    """The participant's current votes."""
    votes = ctx.service.list_votes(ctx.joined.participant_id)
    return answer(
        Votes(
            votes=[VoteOut(statement_id=v.statement_id, value=int(v.value)) for v in votes]  # type: ignore[arg-type]
        )
    )


@operation(Added, status=201, body=NewStatement)
async def submit_statement(request: Request, ctx: Context) -> Response:
    """Add a statement to the open round."""
    body = await read_body(request, NewStatement, ctx.app.settings)
    statement = ctx.service.submit_statement(ctx.joined.participant_id, body.text)
    return answer(Added(statement=StatementOut.model_validate(statement)), status=201)


@operation(Similar, query=Draft)
async def similar(request: Request, ctx: Context) -> Response:
    """Existing statements similar to a draft (empty while detection is unavailable)."""
    app_state, consultation = ctx.app, ctx.consultation
    text = parse(Draft, dict(request.query_params), {"settings": app_state.settings}).text
    statements = visible_statements(app_state.service, consultation)
    found = await app_state.cpu.run(
        app_state.similar.similar, consultation.consultation_id, statements, text
    )
    similar = [ScoredStatement(**statement_fields(s), score=round(v, 3)) for s, v in found]
    return answer(Similar(similar=similar))


@operation(Results)
async def my_results(request: Request, ctx: Context) -> Response:
    """The participant's group and what unites everyone."""
    consultation_id = ctx.consultation.consultation_id
    stored = ctx.service.latest_analysis(consultation_id)
    index = participant_group(stored.payload if stored else None, ctx.joined.participant_id)
    view = map_view(request, consultation_id)
    group = group_name(view, index)
    return answer(Results(group=group, map=map_out(view)))


@operation(Export)
async def export_me(request: Request, ctx: Context) -> Response:
    """Everything stored about the participant (R-D2)."""
    return answer(Export(export=ctx.service.export_participant(ctx.joined.participant_id)))


@operation(Erased)
async def erase_me(request: Request, ctx: Context) -> Response:
    """Erase the participant (R-D3); the token stops working at once."""
    consultation_id = ctx.consultation.consultation_id
    erased_at = ctx.service.erase_participant(ctx.joined.participant_id)
    response = answer(Erased(erased_at=erased_at.isoformat()))
    PARTICIPANT.clear_cookie(response, consultation_id)
    return response
