"""One consultation in the console: settings, rounds, seeding and the moderation queue.

:data:`CONSOLE_LINKS` lists the pages linked from a consultation's console, each with the role
it needs; it is declared here in full, not extended by other modules.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.facilitators import Role
from deliberate.domain.statements import ModerationStatus
from deliberate.errors import InvalidInput, NotFound
from deliberate.service.consultations import MAX_DESCRIPTION_LENGTH, MAX_QUESTION_LENGTH
from web.console.maps import join_url, origin_labels
from web.core.bodies import read_form
from web.core.i18n import N_
from web.core.routing import Context
from web.core.templates import redirect, render

__all__ = [
    "CONSOLE_LINKS",
    "ConsoleLink",
    "add_round",
    "console",
    "edit",
    "moderate",
    "move_round",
    "queue_fragment",
    "seed",
]


@dataclass(frozen=True)
class ConsoleLink:
    """A page linked from the console, shown to facilitators with at least ``minimum``."""

    label: str
    path: str
    minimum: Role


CONSOLE_LINKS: tuple[ConsoleLink, ...] = (
    ConsoleLink(N_("Live opinion map"), "/f/c/{consultation_id}/map", Role.VIEWER),
    ConsoleLink(N_("Projector"), "/f/c/{consultation_id}/projector", Role.VIEWER),
    ConsoleLink(N_("Draft advice"), "/f/c/{consultation_id}/report", Role.VIEWER),
    ConsoleLink(
        N_("Duplicates and themes"), "/f/c/{consultation_id}/statement-groups", Role.VIEWER
    ),
    ConsoleLink(N_("Table sessions"), "/f/c/{consultation_id}/sessions", Role.VIEWER),
    ConsoleLink(N_("Who took part?"), "/f/c/{consultation_id}/population", Role.VIEWER),
    ConsoleLink(N_("Suspect accounts"), "/f/c/{consultation_id}/brigades", Role.MODERATOR),
)


async def console(request: Request, ctx: Context) -> Response:
    """One consultation: settings, rounds, seeding, moderation queue and links."""
    service, consultation, role = ctx.service, ctx.consultation, ctx.role
    consultation_id = consultation.consultation_id
    return render(
        request,
        "f_console.html",
        {
            "facilitator": ctx.facilitator,
            "consultation": consultation,
            "role": role,
            "Role": Role,
            "rounds": service.list_rounds(consultation_id),
            "pending": service.list_statements(consultation_id, status=ModerationStatus.PENDING),
            "origins": origin_labels(request, consultation_id),
            "statements": service.list_statements(consultation_id),
            "join_link": join_url(request, consultation.join_code),
            "links": [
                (item.label, item.path.format(consultation_id=consultation_id))
                for item in CONSOLE_LINKS
                if role is not None and role.includes(item.minimum)
            ],
        },
    )


async def queue_fragment(request: Request, ctx: Context) -> Response:
    """The moderation queue alone, for the live update."""
    consultation_id = ctx.consultation.consultation_id
    return render(
        request,
        "f_queue.html",
        {
            "consultation": ctx.consultation,
            "pending": ctx.service.list_statements(
                consultation_id, status=ModerationStatus.PENDING
            ),
            "origins": origin_labels(request, consultation_id),
            "role": ctx.role,
            "Role": Role,
        },
    )


async def edit(request: Request, ctx: Context) -> Response:
    """Change the question, explanation, language or strictness."""
    consultation_id = ctx.consultation.consultation_id
    form = await read_form(request)
    ctx.service.edit_consultation(
        consultation_id,
        question=form.text("question", max_length=MAX_QUESTION_LENGTH),
        description=form.text("description", default="", max_length=MAX_DESCRIPTION_LENGTH),
        language=form.text("language", default="nl", max_length=8),
        strict_moderation=form.flag("strict_moderation"),
    )
    return redirect(f"/f/c/{consultation_id}#settings")


async def add_round(request: Request, ctx: Context) -> Response:
    """Add a draft round."""
    consultation_id = ctx.consultation.consultation_id
    form = await read_form(request)
    ctx.service.create_round(consultation_id, form.text("title", max_length=600))
    return redirect(f"/f/c/{consultation_id}#rounds")


async def move_round(request: Request, ctx: Context) -> Response:
    """Open, close or publish a round."""
    service = ctx.service
    actions = {
        "open": service.open_round,
        "close": service.close_round,
        "publish": service.publish_round,
    }
    action = actions.get(request.path_params["action"])
    if action is None:
        raise NotFound("this page does not exist")
    action(ctx.round.round_id)
    return redirect(f"/f/c/{ctx.consultation.consultation_id}#rounds")


async def seed(request: Request, ctx: Context) -> Response:
    """Seed statements, one per line."""
    consultation_id = ctx.consultation.consultation_id
    form = await read_form(request)
    texts = form.text_list("statements")
    if texts:
        ctx.service.seed_statements(consultation_id, texts, facilitator_id=ctx.facilitator_id)
    return redirect(f"/f/c/{consultation_id}#seed")


async def moderate(request: Request, ctx: Context) -> Response:
    """Accept or reject a pending statement (a rejection needs a reason)."""
    form = await read_form(request)
    status = form.text("status", max_length=16)
    if status not in {"accepted", "rejected", "pending"}:
        raise InvalidInput("choose accept or reject")
    reason = form.text("reason", default="", max_length=2000)
    if status == "rejected" and not reason.strip():
        # A form error shown at the statement's row, not an error page.
        return redirect(
            f"/f/c/{ctx.consultation.consultation_id}"
            f"?reason_for={ctx.statement.statement_id}#moderation"
        )
    ctx.service.moderate(
        ctx.statement.statement_id,
        status,
        reason=reason,
        facilitator_id=ctx.facilitator_id,
    )
    return redirect(f"/f/c/{ctx.consultation.consultation_id}#moderation")
