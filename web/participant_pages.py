"""The participant's pages: join, consent, vote, add a statement, see the map, own data.

Phone first and usable without JavaScript: every action is a plain form post answered with a
redirect (post/redirect/get), so the back button and reloads never vote twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from deliberate.domain.consultations import Consultation
from deliberate.domain.participants import ONLINE, Participant
from deliberate.domain.rounds import Action
from deliberate.domain.sessions import PhysicalSession
from deliberate.domain.snapshot import Vote
from deliberate.domain.statements import Statement
from deliberate.errors import DuplicateStatement, InvalidInput, NotFound
from deliberate.service import Service
from web.bodies import read_form
from web.identity import (
    clear_participant_cookie,
    optional_participant,
    participant_token,
    require_participant,
    set_participant_cookie,
)
from web.opinion_map import build_map, group_label, participant_group
from web.pages import attachment, redirect, render, state

__all__ = ["Progress", "progress_of", "routes", "visible_statements"]


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a participant is: ``voted`` of ``total`` statements they can vote on."""

    voted: int
    total: int


def visible_statements(service: Service, consultation: Consultation) -> list[Statement]:
    """Statements participants can see and vote on now: included, in an open round."""
    open_rounds = {
        r.round_id
        for r in service.list_rounds(consultation.consultation_id)
        if r.allows(Action.VOTE)
    }
    return [
        s
        for s in service.list_statements(consultation.consultation_id)
        if s.round_id in open_rounds
        and s.is_included(strict_moderation=consultation.strict_moderation)
    ]


def progress_of(service: Service, consultation: Consultation, participant: Participant) -> Progress:
    """Votes cast on statements still open, out of the statements open to this participant."""
    statements = [
        s
        for s in visible_statements(service, consultation)
        if s.author_id != participant.participant_id
    ]
    ids = {s.statement_id for s in statements}
    voted = sum(1 for v in service.list_votes(participant.participant_id) if v.statement_id in ids)
    return Progress(voted=voted, total=len(statements))


def _consultation(request: Request) -> Consultation:
    return state(request).service.get_consultation(request.path_params["consultation_id"])


async def home(request: Request) -> Response:
    """The landing page: enter a join code."""
    return render(request, "home.html")


async def join_by_code(request: Request) -> Response:
    """``/join?code=…`` from the landing form, and ``/j/CODE`` from links and QR codes."""
    code = request.path_params.get("join_code") or request.query_params.get("code", "")
    if not code.strip():
        return redirect("/")
    if len(code) > 32:
        raise NotFound("no consultation has this code")
    consultation = state(request).service.find_consultation(code)
    return redirect(f"/c/{consultation.consultation_id}")


async def intro(request: Request) -> Response:
    """The question, how it works, and the consent form."""
    app_state = state(request)
    consultation = _consultation(request)
    participant = optional_participant(request, app_state.service, consultation.consultation_id)
    if participant is not None and participant.has_consented:
        return redirect(f"/c/{consultation.consultation_id}/vote")
    return _intro_page(request, consultation)


def _intro_page(
    request: Request,
    consultation: Consultation,
    *,
    room: PhysicalSession | None = None,
    consent_missing: bool = False,
) -> Response:
    app_state = state(request)
    return render(
        request,
        "intro.html",
        {
            "consultation": consultation,
            "round": app_state.service.current_round(consultation.consultation_id),
            "consent_version": app_state.settings.consent_version,
            "max_length": app_state.settings.max_statement_length,
            "room": room,
            "consent_missing": consent_missing,
        },
        status=422 if consent_missing else 200,
    )


async def room_intro(request: Request) -> Response:
    """``/r/<session id>``: the room's QR code; joining here records the session as channel."""
    app_state = state(request)
    session = app_state.service.get_table_session(request.path_params["session_id"])
    consultation = app_state.service.get_consultation(session.consultation_id)
    participant = optional_participant(request, app_state.service, consultation.consultation_id)
    if participant is not None and participant.has_consented:
        return redirect(f"/c/{consultation.consultation_id}/vote")
    return _intro_page(request, consultation, room=session)


def _room_channel(service: Service, consultation: Consultation, room: str) -> str:
    """The channel of a join: ``online``, or the session whose room QR code was scanned."""
    if not room:
        return ONLINE
    try:
        session = service.get_table_session(room)
    except NotFound:
        raise InvalidInput("this room link is not valid") from None
    if session.consultation_id != consultation.consultation_id:
        raise InvalidInput("this room link is not valid")
    return session.channel


async def join(request: Request) -> Response:
    """Record consent and create (or reuse) the participant; then go voting."""
    app_state = state(request)
    consultation = _consultation(request)
    form = await read_form(request)
    room = form.text("room", default="", max_length=64)
    channel = _room_channel(app_state.service, consultation, room)
    if not form.flag("consent"):
        session = app_state.service.get_table_session(room) if room else None
        return _intro_page(request, consultation, room=session, consent_missing=True)
    version = app_state.settings.consent_version
    existing = optional_participant(request, app_state.service, consultation.consultation_id)
    if existing is not None:
        # Someone who joined earlier keeps their identity (and channel) when they scan the room.
        app_state.service.record_consent(existing.participant_id, version)
        participant = existing
    else:
        app_state.joins.hit(request.client.host if request.client else "")
        participant = app_state.service.join(
            consultation.consultation_id, channel=channel, consent_version=version
        )
    response = redirect(f"/c/{consultation.consultation_id}/vote")
    token = participant_token(app_state.settings.secret_key, participant.participant_id)
    set_participant_cookie(response, consultation.consultation_id, token)
    return response


def _joined(request: Request, consultation: Consultation) -> Participant | Response:
    participant = optional_participant(
        request, state(request).service, consultation.consultation_id
    )
    if participant is None or not participant.has_consented:
        return redirect(f"/c/{consultation.consultation_id}")
    return participant


async def vote_page(request: Request) -> Response:
    """One statement at a time, with progress; or the end of the list."""
    app_state = state(request)
    consultation = _consultation(request)
    participant = _joined(request, consultation)
    if isinstance(participant, Response):
        return participant
    statement = app_state.service.next_statement(participant.participant_id)
    progress = progress_of(app_state.service, consultation, participant)
    current = app_state.service.current_round(consultation.consultation_id)
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


_VOTE_VALUES = {"agree": Vote.AGREE, "disagree": Vote.DISAGREE, "pass": Vote.PASS}


async def vote(request: Request) -> Response:
    """Cast or change a vote from a form; go back where the participant came from."""
    app_state = state(request)
    consultation = _consultation(request)
    participant = require_participant(request, app_state.service, consultation.consultation_id)
    form = await read_form(request)
    value = _VOTE_VALUES.get(form.text("vote", max_length=16))
    if value is None:
        raise InvalidInput("choose agree, disagree or pass")
    statement_id = form.text("statement_id", max_length=64)
    app_state.service.cast_vote(participant.participant_id, statement_id, value)
    back = form.text("back", default="vote", max_length=16)
    if back == "votes":
        return redirect(
            f"/c/{consultation.consultation_id}/votes?changed={statement_id}#s-{statement_id}"
        )
    if back == "add":  # a vote on a similar statement, from the add page: stay there
        return redirect(f"/c/{consultation.consultation_id}/add?voted={statement_id}")
    return redirect(f"/c/{consultation.consultation_id}/vote?voted=1")


async def my_votes(request: Request) -> Response:
    """Every statement the participant voted on, with buttons to change the vote."""
    app_state = state(request)
    consultation = _consultation(request)
    participant = _joined(request, consultation)
    if isinstance(participant, Response):
        return participant
    votes = {
        v.statement_id: v.value for v in app_state.service.list_votes(participant.participant_id)
    }
    statements = [
        s for s in visible_statements(app_state.service, consultation) if s.statement_id in votes
    ]
    return render(
        request,
        "votes.html",
        {
            "consultation": consultation,
            "items": [(s, votes[s.statement_id]) for s in statements],
            "changed": request.query_params.get("changed", ""),
            "Vote": Vote,
        },
    )


async def add_page(request: Request) -> Response:
    """The form to add a statement."""
    consultation = _consultation(request)
    participant = _joined(request, consultation)
    if isinstance(participant, Response):
        return participant
    return _render_add(request, consultation)


def _render_add(
    request: Request,
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
            "max_length": state(request).settings.max_statement_length,
            "min_length": state(request).settings.min_statement_length,
        },
        status=status,
    )


async def add(request: Request) -> Response:
    """Submit a statement; first show similar ones unless the participant confirmed."""
    app_state = state(request)
    consultation = _consultation(request)
    participant = require_participant(request, app_state.service, consultation.consultation_id)
    form = await read_form(request)
    text = form.text("text", max_length=10 * app_state.settings.max_statement_length)
    if not form.flag("confirm"):
        similar = app_state.similar.similar(
            consultation.consultation_id, visible_statements(app_state.service, consultation), text
        )
        if similar:
            return _render_add(request, consultation, text=text, similar=similar)
    try:
        app_state.service.submit_statement(participant.participant_id, text)
    except (InvalidInput, DuplicateStatement) as error:
        # An exact duplicate is no dead end: the one already there can be voted on in place.
        visible = visible_statements(app_state.service, consultation)
        same = [(v, 1.0) for v in visible if v.statement_id == error.detail.get("statement_id")]
        return _render_add(
            request,
            consultation,
            text=text,
            similar=same,
            error=error.code,
            status=422 if isinstance(error, InvalidInput) else 409,
        )
    return redirect(f"/c/{consultation.consultation_id}/vote?added=1")


async def results(request: Request) -> Response:
    """Where the participant stands: their group, the map, and what unites everyone."""
    app_state = state(request)
    consultation = _consultation(request)
    participant = _joined(request, consultation)
    if isinstance(participant, Response):
        return participant
    stored = app_state.service.latest_analysis(consultation.consultation_id)
    texts = {s.statement_id: s.text for s in visible_statements(app_state.service, consultation)}
    payload = stored.payload if stored else None
    view = build_map(
        payload, stored.version if stored else None, texts, privacy_k=app_state.settings.privacy_k
    )
    index = participant_group(payload, participant.participant_id)
    return render(
        request,
        "results.html",
        {
            "consultation": consultation,
            "map": view,
            "my_group": group_label(index) if index is not None else None,
            "my_index": index,
            "anonymous": True,
        },
    )


async def my_data(request: Request) -> Response:
    """Download or erase one's own data (R-D2, R-D3)."""
    consultation = _consultation(request)
    participant = _joined(request, consultation)
    if isinstance(participant, Response):
        return participant
    return render(request, "mydata.html", {"consultation": consultation})


async def export(request: Request) -> Response:
    """Everything stored about this participant, as a JSON download."""
    app_state = state(request)
    consultation = _consultation(request)
    participant = require_participant(request, app_state.service, consultation.consultation_id)
    data = app_state.service.export_participant(participant.participant_id)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return attachment(body, "application/json", "mijn-gegevens.json")


async def erase(request: Request) -> Response:
    """Erase the participant after an explicit confirmation; forget the cookie."""
    app_state = state(request)
    consultation = _consultation(request)
    participant = require_participant(request, app_state.service, consultation.consultation_id)
    form = await read_form(request)
    if not form.flag("confirm"):
        return render(
            request,
            "mydata.html",
            {"consultation": consultation, "confirm_missing": True},
            status=422,
        )
    app_state.service.erase_participant(participant.participant_id)
    response = render(request, "erased.html", {"consultation": consultation})
    clear_participant_cookie(response, consultation.consultation_id)
    return response


def routes() -> list[BaseRoute]:
    """The participant routes."""
    prefix = "/c/{consultation_id:str}"
    return [
        Route("/", home, methods=["GET"], name="home"),
        Route("/join", join_by_code, methods=["GET"]),
        Route("/j/{join_code:str}", join_by_code, methods=["GET"]),
        Route("/r/{session_id:str}", room_intro, methods=["GET"]),
        Route(prefix, intro, methods=["GET"]),
        Route(f"{prefix}/join", join, methods=["POST"]),
        Route(f"{prefix}/vote", vote_page, methods=["GET"]),
        Route(f"{prefix}/vote", vote, methods=["POST"]),
        Route(f"{prefix}/votes", my_votes, methods=["GET"]),
        Route(f"{prefix}/add", add_page, methods=["GET"]),
        Route(f"{prefix}/add", add, methods=["POST"]),
        Route(f"{prefix}/results", results, methods=["GET"]),
        Route(f"{prefix}/me", my_data, methods=["GET"]),
        Route(f"{prefix}/me/export.json", export, methods=["GET"]),
        Route(f"{prefix}/me/erase", erase, methods=["POST"]),
    ]
