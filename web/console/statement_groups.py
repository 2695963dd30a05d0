"""The console's "duplicates and themes" page: near-duplicate clusters to merge, and themes.

Large rounds collect many statements that say the same thing in other words. This page shows
them to moderators as clusters (the most typical statement first) with a merge form, and groups
all statements of the consultation into labelled themes. Merging goes through
:meth:`deliberate.service.Service.merge_statements`: the merged statement leaves routing and the
analysis, but its votes stay stored and attributable to it.

Embeddings come from the app's :class:`web.views.similarity.SimilarStatements` model (the offline,
Dutch-capable default of :func:`deliberate.text.resolve_embedder`, loaded once per process) and are
cached in the store per statement, so each statement is embedded once, ever.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.facilitators import Role
from deliberate.domain.statements import ModerationStatus, Statement
from deliberate.errors import InvalidInput
from deliberate.service import Service
from deliberate.text import (
    DuplicateCluster,
    Embedder,
    Theme,
    duplicate_clusters,
    embed_cached,
    extract_themes,
)
from web.core.bodies import read_form
from web.core.routing import Context
from web.core.state import state
from web.core.templates import redirect, render

__all__ = ["merge", "statement_groups_page"]

_PREFIX = "/f/c/{consultation_id}"
# How long a page waits for the shared model on first use before falling back to n-grams.
_MODEL_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class _Grouping:
    statements: dict[str, Statement]
    clusters: list[DuplicateCluster]
    themes: list[Theme]
    model_id: str


def _embedder(request: Request) -> Embedder:
    """The app's shared text model, waiting (off the event loop) for its first load."""
    similar = state(request).similar
    similar.wait_until_ready(_MODEL_WAIT_SECONDS)
    return similar.embedder


def _group(service: Service, embedder: Embedder, consultation_id: str) -> _Grouping:
    # Rejected and merged statements are settled; the rest can still be merged.
    candidates = [
        s
        for s in service.list_statements(consultation_id)
        if s.status is not ModerationStatus.REJECTED and s.merged_into is None
    ]
    ids = [s.statement_id for s in candidates]
    texts = [s.text for s in candidates]
    if not candidates:
        return _Grouping({}, [], [], embedder.model_id)
    vectors = embed_cached(embedder, service.store, ids, texts)
    return _Grouping(
        statements={s.statement_id: s for s in candidates},
        clusters=duplicate_clusters(ids, texts, embedder, embeddings=vectors),
        themes=extract_themes(ids, texts, embedder=embedder, embeddings=vectors),
        model_id=embedder.model_id,
    )


async def statement_groups_page(request: Request, ctx: Context) -> Response:
    """Near-duplicate clusters with a merge form per cluster, and the consultation's themes."""
    role = ctx.role
    embedder = await run_in_threadpool(_embedder, request)
    grouping = await state(request).cpu.run(
        _group, ctx.service, embedder, ctx.consultation.consultation_id
    )
    return render(
        request,
        "f_statement_groups.html",
        {
            "consultation": ctx.consultation,
            "grouping": grouping,
            "can_merge": role is not None and role.includes(Role.MODERATOR),
        },
    )


async def merge(request: Request, ctx: Context) -> Response:
    """Merge the chosen statements of a cluster into the one to keep."""
    consultation_id = ctx.consultation.consultation_id
    form = await read_form(request)
    keep = form.text("keep", max_length=64)
    members = form.text("members", max_length=64 * 200).split()
    if keep not in members or len(members) < 2:
        raise InvalidInput("choose the statement to keep from the cluster")
    for statement_id in [keep, *members]:
        ctx.statement_of_consultation(statement_id)
    for statement_id in members:
        if statement_id != keep:
            ctx.service.merge_statements(statement_id, keep, facilitator_id=ctx.facilitator_id)
    return redirect(_PREFIX.format(consultation_id=consultation_id) + "/statement-groups")
