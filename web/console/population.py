"""The console's "who took part?" page: participants beside residents, weighted findings.

Owners upload the neighbourhood's population figures (a CSV, all or nothing); every facilitator of
the consultation sees the participants per category beside the residents, the findings whose word
changes when the votes are weighted to the population, each statement's weighted agree share with
its 90 % interval, and a plan of whom to invite to the next table evening
(docs/representativeness.md). Weighting runs off the event loop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from deliberate.analysis.definitions import grouped, percent
from deliberate.analysis.labels import group_label
from deliberate.analysis.weighted import TRUST_EFFECTIVE_SIZE, Weighting
from deliberate.analysis.weighting import PopulationMargins
from deliberate.domain.facilitators import Role
from deliberate.errors import InvalidUpload
from deliberate.interop.margins import MAX_MARGIN_BYTES
from deliberate.service import Service
from web.core.bodies import read_upload
from web.core.i18n import N_, choose_language, translator
from web.core.routing import Context
from web.core.templates import redirect, render
from web.core.uploads import size_text

__all__ = ["population_page", "upload_population"]

_PREFIX = "/f/c/{consultation_id}/population"
_WORDS = {
    "consensus": N_("agreement in every group"),
    "broad_support": N_("broadly supported"),
    "divisive": N_("divided"),
    "minority": N_("a minority's position"),
    "room_difference": N_("the room voted differently from online"),
}
_ALL_VOTES = N_("agreement of all votes")
_PROBLEMS = {
    "empty_cell": N_("row %(row)s: a cell is empty"),
    "not_a_count": N_("row %(row)s: the number of residents is not a whole number"),
    "duplicate_category": N_("row %(row)s: this category is in the file twice"),
    "missing_column": N_("the first row must name the columns kenmerk, categorie and aantal"),
    "totals_disagree": N_("the attributes add up to different numbers of residents"),
    "unknown_category": N_("participants gave a category that is not in the file"),
    "not_utf8": N_("the file is not UTF-8 text; save it as 'CSV UTF-8'"),
    "too_large": N_("the file is larger than %(limit)s; population figures fit in far less"),
    "too_many_rows": N_("the file has too many rows"),
}
_UNUSABLE = N_("the file cannot be used")


@dataclass(frozen=True)
class _Row:
    text: str
    plain: int
    weighted: int
    low: int
    high: int
    lost: tuple[str, ...] = ()
    gained: tuple[str, ...] = ()


def _view(
    service: Service, consultation_id: str, language: str
) -> tuple[PopulationMargins | None, Weighting | None, list[_Row], list[_Row], dict[int, str]]:
    weighting = service.weighting(consultation_id)
    if weighting is None:  # no figures, or no votes yet
        return service.population_margins(consultation_id), None, [], [], {}
    margins = weighting.margins
    _ = translator(language).gettext
    texts = {s.statement_id: s.text for s in service.list_statements(consultation_id)}
    changed = {c.statement_id: c for c in weighting.changes}

    latest = service.latest_analysis(consultation_id)
    result: dict[str, Any] = json.loads(latest.payload) if latest is not None else {}
    # Without two groups consensus is judged on all votes, not "in every group".
    named = _WORDS if grouped(result) else _WORDS | {"consensus": _ALL_VOTES}

    def words(found: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted({_(named[word.split(":")[0]]) for word in found}))

    rows = []
    for item in weighting.statements:
        change = changed.get(item.statement_id)
        rows.append(
            _Row(
                text=texts.get(item.statement_id, item.statement_id),
                plain=percent(item.share) if item.votes else 0,
                weighted=percent(item.weighted.share) if item.votes else 0,
                low=percent(item.weighted.low),
                high=percent(item.weighted.high),
                lost=words(change.lost) if change else (),
                gained=words(change.gained) if change else (),
            )
        )
    labels = {
        int(g["id"]): str(g.get("label") or group_label(int(g["id"])))
        for g in result.get("groups", [])
    }
    return margins, weighting, rows, [r for r in rows if r.lost or r.gained], labels


async def _page(request: Request, ctx: Context, *, error: str = "", status: int = 200) -> Response:
    consultation = ctx.consultation
    language = choose_language(request, ctx.app.settings.default_language)
    margins, weighting, rows, changes, labels = await ctx.app.cpu.run(
        _view, ctx.service, consultation.consultation_id, language
    )
    return render(
        request,
        "f_population.html",
        {
            "consultation": consultation,
            "margins": margins,
            "weighting": weighting,
            "statements": rows,
            "changes": changes,
            "labels": labels,
            "privacy_k": ctx.app.settings.privacy_k,
            "trust": TRUST_EFFECTIVE_SIZE,
            "can_upload": ctx.role is not None and ctx.role.includes(Role.OWNER),
            "error": error,
        },
        status=status,
    )


async def population_page(request: Request, ctx: Context) -> Response:
    """Participants beside residents, findings that change under weighting, whom to invite."""
    return await _page(request, ctx)


async def upload_population(request: Request, ctx: Context) -> Response:
    """Replace the population figures with an uploaded CSV (all or nothing)."""
    _ = translator(choose_language(request, ctx.app.settings.default_language)).gettext
    data = await read_upload(request, max_bytes=MAX_MARGIN_BYTES, max_fields=4)
    if data is None:
        return await _page(request, ctx, error=_("Choose a CSV file."), status=400)
    try:
        await ctx.app.cpu.run(
            ctx.service.set_population_margins, ctx.consultation.consultation_id, data
        )
    except InvalidUpload as refused:
        problems = refused.detail.get("problems") or [refused.detail]
        said = []
        for problem in problems if isinstance(problems, list) else []:
            code = str(problem.get("problem", ""))
            values = {"row": problem.get("row"), "limit": size_text(MAX_MARGIN_BYTES)}
            said.append(_(_PROBLEMS.get(code, _UNUSABLE)) % values)
        message = _("The figures were not saved: %(problems)s.") % {"problems": "; ".join(said)}
        return await _page(request, ctx, error=message, status=400)
    return redirect(_PREFIX.format(consultation_id=ctx.consultation.consultation_id))
