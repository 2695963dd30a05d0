"""A joined participant's pages: vote, change votes, add a statement, see the map, own data."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.consultations import Consultation
from deliberate.domain.snapshot import Vote
from deliberate.domain.statements import Statement
from deliberate.errors import DuplicateStatement, InvalidInput
from web.core.bodies import read_form
from web.core.identity import PARTICIPANT
from web.core.routing import Context
from web.core.templates import attachment, redirect, render
from web.views.opinion_map import build_map, group_name, participant_group
from web.views.statements import progress_of, visible_statements

__all__ = [
    "add",
    "add_page",
    "erase",
    "export",
    "my_data",
    "my_votes",
    "results",
    "vote",
    "vote_page",
]

_VOTE_VALUES = {"agree": Vote.AGREE, "disagree": Vote.DISAGREE, "pass": Vote.PASS}


async def vote_page(request: Request, ctx: Context) -> Response:
    """One statement at a time, with progress; or the end of the list."""
    consultation, participant = ctx.consultation, ctx.joined
    statement = ctx.service.next_statement(participant.participant_id)
    progress = progress_of(ctx.service, consultation, participant)
    current = ctx.service.current_round(consultation.consultation_id)
    return render(
        request,
        "vote.html",
        {
            "consultation": consultation,
            "statement": statement,
            "progress": progress,
            "round_open": current is not None,
            "voted": request.query_params.get("voted") == "1",
        },
    )


async def vote(request: Request, ctx: Context) -> Response:
    """Cast or change a vote from a form; go back where the participant came from."""
    consultation_id = request.path_params["consultation_id"]
    form = await read_form(request)
    value = _VOTE_VALUES.get(form.text("vote", max_length=16))
    if value is None:
        raise InvalidInput("choose agree, disagree or pass")
    statement_id = form.text("statement_id", max_length=64)
    # Checked by the service (the route is ``checked_by_service``), awaited off the loop.
    await ctx.service.cast_vote_async(
        ctx.participant_id, statement_id, value, consultation_id=consultation_id
    )
    back = form.text("back", default="vote", max_length=16)
    if back == "votes":
        return redirect(f"/c/{consultation_id}/votes?changed={statement_id}#s-{statement_id}")
    if back == "add":  # a vote on a similar statement, from the add page: stay there
        return redirect(f"/c/{consultation_id}/add?voted={statement_id}")
    return redirect(f"/c/{consultation_id}/vote?voted=1")


async def my_votes(request: Request, ctx: Context) -> Response:
    """Every statement the participant voted on, in the order cast, with buttons to change it."""
    cast = ctx.service.list_votes(
        ctx.joined.participant_id
    )  # oldest first; a change keeps its place
    votes = {v.statement_id: v.value for v in cast}
    visible = {s.statement_id: s for s in visible_statements(ctx.service, ctx.consultation)}
    statements = [visible[v.statement_id] for v in cast if v.statement_id in visible]
    return render(
        request,
        "votes.html",
        {
            "consultation": ctx.consultation,
            "items": [(s, votes[s.statement_id]) for s in statements],
            "changed": request.query_params.get("changed", ""),
            "Vote": Vote,
        },
    )


async def add_page(request: Request, ctx: Context) -> Response:
    """The form to add a statement."""
    return _render_add(request, ctx, ctx.consultation)


def _render_add(
    request: Request,
    ctx: Context,
    consultation: Consultation,
    *,
    text: str = "",
    similar: list[tuple[Statement, float]] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "add.html",
        {
            "consultation": consultation,
            "text": text,
            "similar": similar or [],
            "error": error,
            "max_length": ctx.app.settings.max_statement_length,
            "min_length": ctx.app.settings.min_statement_length,
        },
        status=status,
    )


async def add(request: Request, ctx: Context) -> Response:
    """Submit a statement; first show similar ones unless the participant confirmed."""
    consultation = ctx.consultation
    form = await read_form(request)
    text = form.text("text", max_length=10 * ctx.app.settings.max_statement_length)
    if not form.flag("confirm"):
        statements = visible_statements(ctx.service, consultation)
        similar = await ctx.app.cpu.run(
            ctx.app.similar.similar, consultation.consultation_id, statements, text
        )
        if similar:
            return _render_add(request, ctx, consultation, text=text, similar=similar)
    try:
        ctx.service.submit_statement(ctx.joined.participant_id, text)
    except (InvalidInput, DuplicateStatement) as error:
        # An exact duplicate is no dead end: the one already there can be voted on in place.
        visible = visible_statements(ctx.service, consultation)
        same = [(v, 1.0) for v in visible if v.statement_id == error.detail.get("statement_id")]
        return _render_add(
            request,
            ctx,
            consultation,
            text=text,
            similar=same,
            error=error.code,
            status=422 if isinstance(error, InvalidInput) else 409,
        )
    return redirect(f"/c/{consultation.consultation_id}/vote?added=1")


async def results(request: Request, ctx: Context) -> Response:
    """Where the participant stands: their group, the map, and what unites everyone."""
    consultation = ctx.consultation
    stored = ctx.service.latest_analysis(consultation.consultation_id)
    texts = {s.statement_id: s.text for s in visible_statements(ctx.service, consultation)}
    payload = stored.payload if stored else None
    view = build_map(
        payload, stored.version if stored else None, texts, privacy_k=ctx.app.settings.privacy_k
    )
    index = participant_group(payload, ctx.joined.participant_id)
    return render(
        request,
        "results.html",
        {
            "consultation": consultation,
            "map": view,
            "my_group": group_name(view, index),
            "my_index": index,
            "anonymous": True,
        },
    )


async def my_data(request: Request, ctx: Context) -> Response:
    """Download or erase one's own data (R-D2, R-D3)."""
    return render(request, "mydata.html", {"consultation": ctx.consultation})


async def export(request: Request, ctx: Context) -> Response:
    """Everything stored about this participant, as a JSON download."""
    data = ctx.service.export_participant(ctx.joined.participant_id)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return attachment(body, "application/json", "mijn-gegevens.json")


async def erase(request: Request, ctx: Context) -> Response:
    """Erase the participant after an explicit confirmation; forget the cookie."""
    consultation = ctx.consultation
    form = await read_form(request)
    if not form.flag("confirm"):
        return render(
            request,
            "mydata.html",
            {"consultation": consultation, "confirm_missing": True},
            status=422,
        )
    ctx.service.erase_participant(ctx.joined.participant_id)
    response = render(request, "erased.html", {"consultation": consultation})
    PARTICIPANT.clear_cookie(response, consultation.consultation_id)
    return response
