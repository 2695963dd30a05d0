"""The participant's way in: the landing page, join codes, room QR codes, consent.

Phone first and usable without JavaScript: every action is a plain form post answered with a
redirect (post/redirect/get), so the back button and reloads never vote twice.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.consultations import Consultation
from deliberate.domain.participants import ONLINE
from deliberate.domain.sessions import PhysicalSession
from deliberate.errors import InvalidInput, NotFound
from web.core.bodies import Fields, read_form
from web.core.identity import PARTICIPANT, participant_token
from web.core.routing import Context
from web.core.templates import redirect, render

__all__ = ["home", "intro", "join", "join_by_code", "join_room_by_number", "room_intro"]


async def home(request: Request, ctx: Context) -> Response:
    """The landing page: enter a join code."""
    return render(request, "home.html")


async def join_by_code(request: Request, ctx: Context) -> Response:
    """``/join?code=…`` from the landing form, and ``/j/CODE`` from links and QR codes."""
    code = request.path_params.get("join_code") or request.query_params.get("code", "")
    if not code.strip():
        return redirect("/")
    if len(code) > 32:
        raise NotFound("no consultation has this code")
    consultation = ctx.service.find_consultation(code)
    return redirect(f"/c/{consultation.consultation_id}")


async def join_room_by_number(request: Request, ctx: Context) -> Response:
    """``/j/CODE/N``: the short link typed from the room projector, to room ``N``'s page."""
    code, number = request.path_params["join_code"], request.path_params["number"]
    if len(code) > 32 or not number.isdigit() or len(number) > 6:
        raise NotFound("no room has this link")
    consultation = ctx.service.find_consultation(code)
    numbers = ctx.service.room_numbers(consultation.consultation_id)
    by_number = {n: session_id for session_id, n in numbers.items()}
    if int(number) not in by_number:
        raise NotFound("no room has this link")
    return redirect(f"/r/{by_number[int(number)]}")


async def intro(request: Request, ctx: Context) -> Response:
    """The question, how it works, and the consent form."""
    consultation = ctx.consultation
    if ctx.participant is not None and ctx.participant.has_consented:
        return redirect(f"/c/{consultation.consultation_id}/vote")
    return _intro_page(request, ctx, consultation)


def _intro_page(
    request: Request,
    ctx: Context,
    consultation: Consultation,
    *,
    room: PhysicalSession | None = None,
    consent_missing: bool = False,
) -> Response:
    return render(
        request,
        "intro.html",
        {
            "consultation": consultation,
            "round": ctx.service.current_round(consultation.consultation_id),
            "consent_version": ctx.app.settings.consent_version,
            "max_length": ctx.app.settings.max_statement_length,
            "room": room,
            "consent_missing": consent_missing,
            "population": ctx.service.population_margins(consultation.consultation_id),
            "privacy_k": ctx.app.settings.privacy_k,
        },
        status=422 if consent_missing else 200,
    )


async def room_intro(request: Request, ctx: Context) -> Response:
    """``/r/<session id>``: the room's QR code; joining here records the session as channel."""
    consultation = ctx.consultation
    participant = ctx.participant
    if participant is not None and participant.has_consented:
        return redirect(f"/c/{consultation.consultation_id}/vote")
    return _intro_page(request, ctx, consultation, room=ctx.session)


def _room(ctx: Context, room: str) -> PhysicalSession | None:
    """The session whose room QR code was scanned (none: joined online)."""
    if not room:
        return None
    try:
        return ctx.session_of_consultation(room)
    except NotFound:
        raise InvalidInput("this room link is not valid") from None


async def join(request: Request, ctx: Context) -> Response:
    """Record consent and create (or reuse) the participant; then go voting."""
    consultation = ctx.consultation
    form = await read_form(request)
    session = _room(ctx, form.text("room", default="", max_length=64))
    if not form.flag("consent"):
        return _intro_page(request, ctx, consultation, room=session, consent_missing=True)
    version = ctx.app.settings.consent_version
    existing = ctx.participant
    if existing is not None:
        # Someone who joined earlier keeps their identity (and channel) when they scan the room.
        ctx.service.record_consent(existing.participant_id, version)
        participant = existing
    else:
        attributes = _about_you(ctx, consultation, form)
        ctx.app.joins.hit(request.client.host if request.client else "")
        participant = ctx.service.join(
            consultation.consultation_id,
            channel=session.channel if session else ONLINE,
            attributes=attributes,
            consent_version=version,
        )
    response = redirect(f"/c/{consultation.consultation_id}/vote")
    token = participant_token(ctx.app.settings.secret_key, participant.participant_id)
    PARTICIPANT.set_cookie(response, token, consultation.consultation_id)
    return response


def _about_you(ctx: Context, consultation: Consultation, form: Fields) -> dict[str, str]:
    """The optional answers about the resident (wijk, age band…), one per population attribute.

    Only categories of the consultation's population figures are accepted; an empty answer
    ("I would rather not say") is left out.
    """
    margins = ctx.service.population_margins(consultation.consultation_id)
    if margins is None:
        return {}
    answers = {}
    for index, attribute in enumerate(margins.attributes):
        answer = form.text(f"about_{index}", default="", max_length=64).strip()
        if not answer:
            continue
        if answer not in margins.totals[attribute]:
            raise InvalidInput(
                "choose one of the answers listed for %(attribute)s",
                params={"attribute": attribute},
            )
        answers[attribute] = answer
    return answers
