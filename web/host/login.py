"""The table host's way in: the session page, and logging in and out with the host code."""

from __future__ import annotations

import re
import time

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.facilitators import Role
from deliberate.errors import AuthenticationRequired, InvalidInput, NotFound, RateLimited
from web.core.bodies import read_form
from web.core.identity import HOST, HOST_LOGIN_SECONDS, facilitator_of, host_token, is_host_of
from web.core.routing import Context
from web.core.templates import login_refused, redirect, render

__all__ = ["login", "logout", "session_home"]

_SESSION_ID = re.compile(r"[0-9a-f]{32}")


def _client_address(request: Request) -> str:
    return request.client.host if request.client else ""


async def session_home(request: Request, ctx: Context) -> Response:
    """The login form, or, once logged in, the session's tables to choose from."""
    service, session = ctx.service, ctx.session
    if not is_host_of(request, service, session.session_id):
        facilitator = facilitator_of(request, service)
        role = (
            service.role_of(facilitator.facilitator_id, session.consultation_id)
            if facilitator is not None
            else None
        )
        if role is None or not role.includes(Role.MODERATOR):
            return render(request, "h_login.html", {"session": session, "failed": False})
    return render(
        request,
        "h_session.html",
        {
            "session": session,
            "consultation": ctx.consultation,
            "tables": service.list_tables(session.session_id),
        },
    )


async def login(request: Request, ctx: Context) -> Response:
    """Check the host code (throttled per session and address) and remember the login."""
    app_state, session = ctx.app, ctx.session
    session_id = session.session_id
    fields = await read_form(request)
    code = fields.text("code", default="", max_length=64)
    try:
        await app_state.cpu.run(
            app_state.service.verify_host_code, session_id, code, address=_client_address(request)
        )
    except (AuthenticationRequired, RateLimited, InvalidInput) as error:
        return login_refused(request, "h_login.html", error, {"session": session})
    version = app_state.service.host_code_version(session_id)
    token = host_token(
        app_state.settings.secret_key,
        session_id,
        version,
        expires=int(time.time()) + HOST_LOGIN_SECONDS,
    )
    response = redirect(f"/h/{session_id}")
    HOST.set_cookie(response, token, session_id)
    return response


async def logout(request: Request, ctx: Context) -> Response:
    """Forget the host login in this browser."""
    session_id = request.path_params["session_id"]
    if not _SESSION_ID.fullmatch(session_id):
        # No cookie can be named after it (a lone surrogate or "é" made a 500 here).
        raise NotFound("there is no such table session")
    response = redirect(f"/h/{session_id}")
    HOST.clear_cookie(response, session_id)
    return response
