"""The facilitator's account: log in and out, the dashboard, create a consultation."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.errors import AuthenticationRequired, InvalidInput, RateLimited
from deliberate.service.consultations import MAX_DESCRIPTION_LENGTH, MAX_QUESTION_LENGTH
from web.core.bodies import read_form
from web.core.identity import FACILITATOR, SESSION_COOKIE, facilitator_of
from web.core.routing import Context
from web.core.templates import login_refused, redirect, render

__all__ = ["create", "dashboard", "login", "login_page", "logout"]


def _client_address(request: Request) -> str:
    return request.client.host if request.client else ""


async def login_page(request: Request, ctx: Context) -> Response:
    """The login form (or straight to the dashboard when already logged in)."""
    if facilitator_of(request, ctx.service) is not None:
        return redirect("/f")
    return render(request, "f_login.html", {"failed": False})


async def login(request: Request, ctx: Context) -> Response:
    """Check the password (rate limited per account and address) and start a session."""
    form = await read_form(request)
    username = form.text("username", default="", max_length=200)
    password = form.text("password", default="", max_length=200)
    try:
        facilitator = await ctx.app.cpu.run(
            ctx.service.authenticate, username, password, address=_client_address(request)
        )
    except (AuthenticationRequired, RateLimited, InvalidInput) as error:
        context = {"failed": False, "username": username}
        return login_refused(request, "f_login.html", error, context)
    token, _ = ctx.service.create_session(facilitator.facilitator_id)
    response = redirect("/f")
    FACILITATOR.set_cookie(response, token)
    return response


async def logout(request: Request, ctx: Context) -> Response:
    """End the session on the server and in the browser."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        ctx.service.revoke_session(token)
    response = redirect("/f/login")
    FACILITATOR.clear_cookie(response)
    return response


async def dashboard(request: Request, ctx: Context) -> Response:
    """The consultations this facilitator has a role in, and the form to create one."""
    service = ctx.service
    roles = service.roles(ctx.facilitator_id)
    consultations = [
        (service.get_consultation(cid), role, service.activity(cid)) for cid, role in roles.items()
    ]
    consultations.sort(key=lambda item: item[0].created_at, reverse=True)
    return render(
        request,
        "f_dashboard.html",
        {"facilitator": ctx.facilitator, "consultations": consultations},
    )


async def create(request: Request, ctx: Context) -> Response:
    """Create a consultation with its first (draft) round; the creator becomes its owner."""
    service = ctx.service
    form = await read_form(request)
    consultation = service.create_consultation(
        form.text("question", max_length=MAX_QUESTION_LENGTH),
        description=form.text("description", default="", max_length=MAX_DESCRIPTION_LENGTH),
        language=form.text("language", default="nl", max_length=8),
        strict_moderation=form.flag("strict_moderation"),
        owner_id=ctx.facilitator_id,
    )
    service.create_round(
        consultation.consultation_id,
        form.text("round_title", default="Ronde 1", max_length=600) or "Ronde 1",
    )
    return redirect(f"/f/c/{consultation.consultation_id}")
