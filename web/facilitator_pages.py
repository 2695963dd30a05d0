"""The facilitator console: log in, consultations and rounds, moderation, the live map.

:data:`CONSOLE_LINKS` lists the pages linked from a consultation's console. Another area adds its
page with one line (for example the report: ``CONSOLE_LINKS.append(ConsoleLink("Report",
"/f/c/{consultation_id}/report", Role.VIEWER))``) and its route to :data:`EXTRA_ROUTES`.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass

import segno
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from deliberate.domain.facilitators import Facilitator, Role
from deliberate.domain.statements import ModerationStatus
from deliberate.errors import AuthenticationRequired, InvalidInput, RateLimited
from deliberate.service.consultations import MAX_DESCRIPTION_LENGTH, MAX_QUESTION_LENGTH
from web.bodies import read_form
from web.errors import WebError
from web.i18n import N_, choose_language
from web.identity import (
    SESSION_COOKIE,
    clear_session_cookie,
    current_facilitator,
    optional_facilitator,
    require_role,
    set_session_cookie,
)
from web.opinion_map import MapView, build_map
from web.pages import redirect, render, state

__all__ = [
    "CONSOLE_LINKS",
    "EXTRA_ROUTES",
    "ConsoleLink",
    "included_texts",
    "join_url",
    "map_view",
    "origin_labels",
    "qr_svg_response",
    "routes",
]


@dataclass(frozen=True, slots=True)
class ConsoleLink:
    """A page linked from the console: an English label (translated), a path, a minimum role."""

    label: str
    path: str
    minimum: Role


CONSOLE_LINKS: list[ConsoleLink] = [
    ConsoleLink(N_("Live opinion map"), "/f/c/{consultation_id}/map", Role.VIEWER),
    ConsoleLink(N_("Projector"), "/f/c/{consultation_id}/projector", Role.VIEWER),
]
EXTRA_ROUTES: list[BaseRoute] = []


def join_url(request: Request, join_code: str) -> str:
    """The link participants open (also encoded in the QR code)."""
    base = state(request).settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    return f"{base}/j/{join_code}"


def included_texts(request: Request, consultation_id: str) -> dict[str, str]:
    """Statement id → text of the statements moderation lets into the analysis and its views."""
    service = state(request).service
    consultation = service.get_consultation(consultation_id)
    return {
        s.statement_id: s.text
        for s in service.list_statements(consultation_id)
        if s.is_included(strict_moderation=consultation.strict_moderation)
    }


def map_view(request: Request, consultation_id: str, *, highlight: Collection[str] = ()) -> MapView:
    """The latest stored analysis of a consultation as a map (never computed here).

    ``highlight`` names participants to ring on the map (the people of one room).
    """
    app_state = state(request)
    stored = app_state.service.latest_analysis(consultation_id)
    return build_map(
        stored.payload if stored else None,
        stored.version if stored else None,
        included_texts(request, consultation_id),
        privacy_k=app_state.settings.privacy_k,
        highlight=highlight,
    )


def origin_labels(request: Request, consultation_id: str) -> dict[str, str]:
    """Where statements written in a room come from ("tafel 1, buurthuis De Pijp, 12 maart")."""
    app_state = state(request)
    language = choose_language(request, app_state.settings.default_language)
    return app_state.service.channel_labels(consultation_id, language=language)


def _client_address(request: Request) -> str:
    return request.client.host if request.client else ""


async def login_page(request: Request) -> Response:
    """The login form (or straight to the dashboard when already logged in)."""
    if optional_facilitator(request, state(request).service) is not None:
        return redirect("/f")
    return render(request, "f_login.html", {"failed": False})


async def login(request: Request) -> Response:
    """Check the password (rate limited per account and address) and start a session."""
    app_state = state(request)
    form = await read_form(request)
    username = form.text("username", default="", max_length=200)
    password = form.text("password", default="", max_length=200)
    try:
        facilitator = app_state.service.authenticate(
            username, password, address=_client_address(request)
        )
    except AuthenticationRequired:
        return render(request, "f_login.html", {"failed": True, "username": username}, status=401)
    except RateLimited as error:
        return render(
            request,
            "f_login.html",
            {"failed": False, "limited": True, "username": username},
            status=429,
            headers={"Retry-After": str(error.retry_after)},
        )
    except InvalidInput:
        return render(request, "f_login.html", {"failed": True, "username": username}, status=401)
    token, _ = app_state.service.create_session(facilitator.facilitator_id)
    response = redirect("/f")
    set_session_cookie(response, token)
    return response


async def logout(request: Request) -> Response:
    """End the session on the server and in the browser."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        state(request).service.revoke_session(token)
    response = redirect("/f/login")
    clear_session_cookie(response)
    return response


def _logged_in(request: Request) -> Facilitator | Response:
    facilitator = optional_facilitator(request, state(request).service)
    return facilitator if facilitator is not None else redirect("/f/login")


async def dashboard(request: Request) -> Response:
    """The consultations this facilitator has a role in, and the form to create one."""
    facilitator = _logged_in(request)
    if isinstance(facilitator, Response):
        return facilitator
    service = state(request).service
    roles = service.roles(facilitator.facilitator_id)
    consultations = [(service.get_consultation(cid), role) for cid, role in roles.items()]
    consultations.sort(key=lambda item: item[0].created_at, reverse=True)
    return render(
        request, "f_dashboard.html", {"facilitator": facilitator, "consultations": consultations}
    )


async def create(request: Request) -> Response:
    """Create a consultation with its first (draft) round; the creator becomes its owner."""
    facilitator = current_facilitator(request, state(request).service)
    service = state(request).service
    form = await read_form(request)
    consultation = service.create_consultation(
        form.text("question", max_length=MAX_QUESTION_LENGTH),
        description=form.text("description", default="", max_length=MAX_DESCRIPTION_LENGTH),
        language=form.text("language", default="nl", max_length=8),
        strict_moderation=form.flag("strict_moderation"),
        owner_id=facilitator.facilitator_id,
    )
    service.create_round(
        consultation.consultation_id,
        form.text("round_title", default="Ronde 1", max_length=600) or "Ronde 1",
    )
    return redirect(f"/f/c/{consultation.consultation_id}")


async def console(request: Request) -> Response:
    """One consultation: settings, rounds, seeding, moderation queue and links."""
    app_state = state(request)
    consultation_id = request.path_params["consultation_id"]
    facilitator = _logged_in(request)
    if isinstance(facilitator, Response):
        return facilitator
    require_role(request, app_state.service, consultation_id, Role.VIEWER)
    service = app_state.service
    consultation = service.get_consultation(consultation_id)
    role = service.role_of(facilitator.facilitator_id, consultation_id)
    link = join_url(request, consultation.join_code)
    return render(
        request,
        "f_console.html",
        {
            "facilitator": facilitator,
            "consultation": consultation,
            "role": role,
            "Role": Role,
            "rounds": service.list_rounds(consultation_id),
            "pending": service.list_statements(consultation_id, status=ModerationStatus.PENDING),
            "origins": origin_labels(request, consultation_id),
            "statements": service.list_statements(consultation_id),
            "join_link": link,
            "links": [
                (item.label, item.path.format(consultation_id=consultation_id))
                for item in CONSOLE_LINKS
                if role is not None and role.includes(item.minimum)
            ],
        },
    )


async def queue_fragment(request: Request) -> Response:
    """The moderation queue alone, for the live update."""
    app_state = state(request)
    consultation_id = request.path_params["consultation_id"]
    facilitator = require_role(request, app_state.service, consultation_id, Role.VIEWER)
    role = app_state.service.role_of(facilitator.facilitator_id, consultation_id)
    return render(
        request,
        "f_queue.html",
        {
            "consultation": app_state.service.get_consultation(consultation_id),
            "pending": app_state.service.list_statements(
                consultation_id, status=ModerationStatus.PENDING
            ),
            "origins": origin_labels(request, consultation_id),
            "role": role,
            "Role": Role,
        },
    )


async def edit(request: Request) -> Response:
    """Change the question, explanation, language or strictness."""
    consultation_id = request.path_params["consultation_id"]
    service = state(request).service
    require_role(request, service, consultation_id, Role.OWNER)
    form = await read_form(request)
    service.edit_consultation(
        consultation_id,
        question=form.text("question", max_length=MAX_QUESTION_LENGTH),
        description=form.text("description", default="", max_length=MAX_DESCRIPTION_LENGTH),
        language=form.text("language", default="nl", max_length=8),
        strict_moderation=form.flag("strict_moderation"),
    )
    return redirect(f"/f/c/{consultation_id}#settings")


async def add_round(request: Request) -> Response:
    """Add a draft round."""
    consultation_id = request.path_params["consultation_id"]
    service = state(request).service
    require_role(request, service, consultation_id, Role.OWNER)
    form = await read_form(request)
    service.create_round(consultation_id, form.text("title", max_length=600))
    return redirect(f"/f/c/{consultation_id}#rounds")


async def move_round(request: Request) -> Response:
    """Open, close or publish a round."""
    consultation_id = request.path_params["consultation_id"]
    service = state(request).service
    require_role(request, service, consultation_id, Role.OWNER)
    round_ = service.get_round(request.path_params["round_id"])
    if round_.consultation_id != consultation_id:
        raise WebError(404, "not_found", "this round does not exist")
    actions = {
        "open": service.open_round,
        "close": service.close_round,
        "publish": service.publish_round,
    }
    action = actions.get(request.path_params["action"])
    if action is None:
        raise WebError(404, "not_found", "this page does not exist")
    action(round_.round_id)
    return redirect(f"/f/c/{consultation_id}#rounds")


async def seed(request: Request) -> Response:
    """Seed statements, one per line."""
    consultation_id = request.path_params["consultation_id"]
    service = state(request).service
    facilitator = require_role(request, service, consultation_id, Role.MODERATOR)
    form = await read_form(request)
    texts = form.text_list("statements")
    if texts:
        service.seed_statements(consultation_id, texts, facilitator_id=facilitator.facilitator_id)
    return redirect(f"/f/c/{consultation_id}#seed")


async def moderate(request: Request) -> Response:
    """Accept or reject a pending statement (a rejection needs a reason)."""
    consultation_id = request.path_params["consultation_id"]
    service = state(request).service
    facilitator = require_role(request, service, consultation_id, Role.MODERATOR)
    statement = service.get_statement(request.path_params["statement_id"])
    if statement.consultation_id != consultation_id:
        raise WebError(404, "not_found", "this statement does not exist")
    form = await read_form(request)
    status = form.text("status", max_length=16)
    if status not in {"accepted", "rejected", "pending"}:
        raise InvalidInput("choose accept or reject")
    reason = form.text("reason", default="", max_length=2000)
    if status == "rejected" and not reason.strip():
        # A form error shown at the statement's row, not an error page.
        return redirect(f"/f/c/{consultation_id}?reason_for={statement.statement_id}#moderation")
    service.moderate(
        statement.statement_id,
        status,
        reason=reason,
        facilitator_id=facilitator.facilitator_id,
    )
    return redirect(f"/f/c/{consultation_id}#moderation")


async def map_page(request: Request) -> Response:
    """The live opinion map with its table alternative and vote bars."""
    consultation_id = request.path_params["consultation_id"]
    app_state = state(request)
    require_role(request, app_state.service, consultation_id, Role.VIEWER)
    return render(
        request,
        "f_map.html",
        {
            "consultation": app_state.service.get_consultation(consultation_id),
            "map": map_view(request, consultation_id),
            "projector": False,
        },
    )


async def map_fragment(request: Request) -> Response:
    """The map alone, for the live update (also used by the projector)."""
    consultation_id = request.path_params["consultation_id"]
    app_state = state(request)
    require_role(request, app_state.service, consultation_id, Role.VIEWER)
    return render(
        request,
        "map_fragment.html",
        {
            "map": map_view(request, consultation_id),
            "projector": request.query_params.get("projector") == "1",
            "my_index": None,
        },
    )


async def projector(request: Request) -> Response:
    """Large, clean and anonymous: the map, the groups and the join code."""
    consultation_id = request.path_params["consultation_id"]
    app_state = state(request)
    require_role(request, app_state.service, consultation_id, Role.VIEWER)
    consultation = app_state.service.get_consultation(consultation_id)
    return render(
        request,
        "f_projector.html",
        {
            "consultation": consultation,
            "map": map_view(request, consultation_id),
            "join_link": join_url(request, consultation.join_code),
            "projector": True,
        },
    )


async def qr_code(request: Request) -> Response:
    """The join link as an SVG QR code."""
    consultation_id = request.path_params["consultation_id"]
    service = state(request).service
    require_role(request, service, consultation_id, Role.VIEWER)
    consultation = service.get_consultation(consultation_id)
    return qr_svg_response(join_url(request, consultation.join_code))


def qr_svg_response(link: str) -> Response:
    """``link`` as a standalone SVG QR code (with its namespace, so an ``<img>`` can show it)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(
        buffer, kind="svg", scale=8, dark="#111111", light="#ffffff", title="QR", xmldecl=False
    )
    return Response(
        buffer.getvalue(), media_type="image/svg+xml", headers={"cache-control": "no-store"}
    )


def routes() -> list[BaseRoute]:
    """The facilitator routes, including those other areas added to :data:`EXTRA_ROUTES`."""
    prefix = "/f/c/{consultation_id:str}"
    return [
        Route("/f/login", login_page, methods=["GET"]),
        Route("/f/login", login, methods=["POST"]),
        Route("/f/logout", logout, methods=["POST"]),
        Route("/f", dashboard, methods=["GET"]),
        Route("/f/consultations", create, methods=["POST"]),
        Route(prefix, console, methods=["GET"]),
        Route(f"{prefix}/queue", queue_fragment, methods=["GET"]),
        Route(f"{prefix}/edit", edit, methods=["POST"]),
        Route(f"{prefix}/rounds", add_round, methods=["POST"]),
        Route(f"{prefix}/rounds/{{round_id:str}}/{{action:str}}", move_round, methods=["POST"]),
        Route(f"{prefix}/seed", seed, methods=["POST"]),
        Route(f"{prefix}/statements/{{statement_id:str}}/moderate", moderate, methods=["POST"]),
        Route(f"{prefix}/map", map_page, methods=["GET"]),
        Route(f"{prefix}/map/fragment", map_fragment, methods=["GET"]),
        Route(f"{prefix}/projector", projector, methods=["GET"]),
        Route(f"{prefix}/qr.svg", qr_code, methods=["GET"]),
        *EXTRA_ROUTES,
    ]
