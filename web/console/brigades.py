"""The console's "suspect accounts" page: brigade clusters with their evidence, and quarantine.

Moderators see the clusters :meth:`deliberate.service.Service.find_brigades` flags, each with its
reasons, the statements it pushes and every account's signals (near-identical voters, arrivals
in the same window, votes faster than reading, time from joining to the first vote, statements
in a burst). One button quarantines or releases a whole cluster; quarantined accounts keep their
votes, the analysis leaves them out and the advice says how many and what they would change.
Detection runs in the CPU pool, off the event loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from deliberate.analysis.brigading import BrigadeReport, SuspectCluster
from deliberate.analysis.definitions import percent
from deliberate.errors import InvalidInput
from web.core.bodies import read_form
from web.core.i18n import N_
from web.core.routing import Context
from web.core.state import state
from web.core.templates import redirect, render

__all__ = ["brigades_page", "quarantine"]

_PREFIX = "/f/c/{consultation_id}/brigades"
_MAX_MEMBERS = 5000
_REASONS = {
    "identical_votes": N_("near-identical votes"),
    "pushed_statement": N_("all push the same statement"),
    "hasty_arrivals": N_("arrived together and voted faster than reading"),
    "same_network": N_("created from one network"),
    "statement_burst": N_("statements submitted in a burst"),
}


@dataclass(frozen=True)
class _Member:
    participant_id: str
    quarantined: bool
    twins: int
    arrival_peers: int
    fast_percent: int | None
    join_to_vote_s: int | None
    statement_burst: int


@dataclass(frozen=True)
class _Cluster:
    members: tuple[_Member, ...]
    reasons: tuple[str, ...]
    pushed: tuple[tuple[str, bool], ...]  # statement text, pushed as agree
    arrival_minutes: int
    fast_percent: int | None
    agreement_percent: int
    quarantined: int

    @property
    def member_ids(self) -> str:
        return " ".join(m.participant_id for m in self.members)


def _whole(value: float) -> int | None:
    return None if math.isnan(value) else round(value)


def _percent(share: float) -> int | None:
    """A share as a whole percentage, rounded as on every surface; ``None`` for no share."""
    return None if math.isnan(share) else percent(share)


def _cluster(
    cluster: SuspectCluster, report: BrigadeReport, held: frozenset[str], texts: list[str]
) -> _Cluster:
    index = {pid: i for i, pid in enumerate(report.participant_ids)}
    members = tuple(
        _Member(
            participant_id=pid,
            quarantined=pid in held,
            twins=int(report.twins[index[pid]]),
            arrival_peers=int(report.arrival_peers[index[pid]]),
            fast_percent=_percent(float(report.fast_share[index[pid]])),
            join_to_vote_s=_whole(float(report.join_to_vote_s[index[pid]])),
            statement_burst=int(report.statement_burst[index[pid]]),
        )
        for pid in cluster.participant_ids
    )
    return _Cluster(
        members=members,
        reasons=tuple(_REASONS.get(reason, reason) for reason in cluster.reasons),
        pushed=tuple((texts[i], value > 0) for i, value in cluster.pushed if 0 <= i < len(texts)),
        arrival_minutes=round(cluster.arrival_span_s / 60),
        fast_percent=_percent(cluster.median_fast_share),
        agreement_percent=percent(cluster.median_agreement),
        quarantined=sum(m.quarantined for m in members),
    )


async def brigades_page(request: Request, ctx: Context) -> Response:
    """The suspect clusters, their evidence, and who is in quarantine now."""
    service, consultation_id = ctx.service, ctx.consultation.consultation_id
    report = await state(request).cpu.run(service.find_brigades, consultation_id)
    held = service.quarantined_participants(consultation_id)
    texts = [s.text for s in service.list_statements(consultation_id)]
    clusters = [_cluster(c, report, held, texts) for c in report.clusters]
    return render(
        request,
        "f_brigades.html",
        {
            "consultation": ctx.consultation,
            "clusters": clusters,
            "held": sorted(held),
            "held_elsewhere": sorted(held - report.suspects),
        },
    )


async def quarantine(request: Request, ctx: Context) -> Response:
    """Quarantine or release the accounts of one cluster (or every quarantined account)."""
    consultation_id = ctx.consultation.consultation_id
    form = await read_form(request)
    action = form.text("action", max_length=16)
    if action not in {"quarantine", "release"}:
        raise InvalidInput("choose quarantine or release")
    members = form.text("members", max_length=40 * _MAX_MEMBERS).split()
    if not members or len(members) > _MAX_MEMBERS:
        raise InvalidInput("choose the accounts of one cluster")
    # The store only touches participants of this consultation; other ids change nothing.
    ctx.service.quarantine_participants(
        consultation_id,
        members,
        quarantined=action == "quarantine",
        facilitator_id=ctx.facilitator_id,
    )
    return redirect(_PREFIX.format(consultation_id=consultation_id))
