"""The console's live opinion map, its projector view and the join QR code, and the helpers
that read the latest stored analysis as a map (never computed on the request path)."""

from __future__ import annotations

import io
from collections.abc import Collection

import segno
from starlette.requests import Request
from starlette.responses import Response

from deliberate.analysis.definitions import percent
from deliberate.analysis.labels import group_label
from web.core.i18n import choose_language
from web.core.routing import Context
from web.core.state import state
from web.core.templates import render
from web.views.opinion_map import MapView, build_map

__all__ = [
    "included_texts",
    "join_url",
    "map_fragment",
    "map_page",
    "map_view",
    "origin_labels",
    "projector",
    "public_base",
    "qr_code",
    "qr_svg_response",
]


def public_base(request: Request) -> str:
    """The public address of the app (``public_url``, or the address the request came to)."""
    return state(request).settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")


def join_url(request: Request, join_code: str) -> str:
    """The link participants open (also encoded in the QR code)."""
    return f"{public_base(request)}/j/{join_code}"


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


async def map_page(request: Request, ctx: Context) -> Response:
    """The live opinion map with its table alternative and vote bars."""
    consultation_id = ctx.consultation.consultation_id
    return render(
        request,
        "f_map.html",
        {
            "consultation": ctx.consultation,
            "map": map_view(request, consultation_id),
            "projector": False,
        },
    )


async def map_fragment(request: Request, ctx: Context) -> Response:
    """The map alone, for the live update (also used by the projector)."""
    projector = request.query_params.get("projector") == "1"
    return render(
        request,
        "map_fragment.html",
        {
            "map": map_view(request, ctx.consultation.consultation_id),
            "projector": projector,
            "my_index": None,
            "fold_picture": not projector,  # the live map page's picture folds on a phone
        },
    )


async def projector(request: Request, ctx: Context) -> Response:
    """Large, clean and anonymous: the map, the groups and the join code.

    With population figures, the groups' weighted sizes and how many findings change when every
    resident counts equally (docs/representativeness.md).
    """
    consultation = ctx.consultation
    weighting = await ctx.app.cpu.run(
        ctx.service.weighting, consultation.consultation_id, invitations=0
    )
    return render(
        request,
        "f_projector.html",
        {
            "consultation": consultation,
            "map": map_view(request, consultation.consultation_id),
            "join_link": join_url(request, consultation.join_code),
            "projector": True,
            "weighting": weighting,
            "group_label": group_label,
            "percent": percent,
        },
    )


async def qr_code(request: Request, ctx: Context) -> Response:
    """The join link as an SVG QR code."""
    return qr_svg_response(join_url(request, ctx.consultation.join_code))


def qr_svg_response(link: str) -> Response:
    """``link`` as a standalone SVG QR code (with its namespace, so an ``<img>`` can show it)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(
        buffer, kind="svg", scale=8, dark="#111111", light="#ffffff", title="QR", xmldecl=False
    )
    return Response(
        buffer.getvalue(), media_type="image/svg+xml", headers={"cache-control": "no-store"}
    )
