"""``deliberate brigades``: show suspect clusters of a consultation, quarantine or release them.

Detection only flags. ``--quarantine`` puts every account of the shown clusters in quarantine
(their votes stay stored; the analysis leaves them out and the report says how many);
``--release`` takes every quarantined account of the consultation out of it again.
"""

from __future__ import annotations

import math

import click

from deliberate.analysis.definitions import percent
from deliberate.cli._common import consultation_named, settings_from_context
from deliberate.service import Service, SuspectCluster, open_service

__all__ = ["brigades"]


def _describe(number: int, cluster: SuspectCluster, service: Service, cid: str) -> str:
    texts = [s.text for s in service.list_statements(cid)]
    pushed = "; ".join(
        f"{'eens' if value > 0 else 'oneens'} met {texts[index][:60]!r}"
        for index, value in cluster.pushed[:3]
    )
    fast = cluster.median_fast_share
    lines = [
        f"cluster {number}: {len(cluster.participant_ids)} accounts, "
        f"evidence: {', '.join(cluster.reasons)}",
        f"  arrived within {cluster.arrival_span_s / 60:.0f} min, "
        f"votes faster than reading: {'-' if math.isnan(fast) else f'{percent(fast)}%'}, "
        f"agreement between linked accounts: {percent(cluster.median_agreement)}%",
    ]
    if pushed:
        lines.append(f"  pushes: {pushed}")
    lines.append("  accounts: " + " ".join(cluster.participant_ids))
    return "\n".join(lines)


@click.command()
@click.argument("source")
@click.option("--quarantine", is_flag=True, help="Quarantine every account of the clusters shown.")
@click.option("--release", is_flag=True, help="Release every quarantined account.")
@click.pass_context
def brigades(ctx: click.Context, source: str, quarantine: bool, release: bool) -> None:
    """Find accounts of consultation SOURCE (id or join code) that vote as one brigade."""
    if quarantine and release:
        raise click.UsageError("choose --quarantine or --release, not both")
    with open_service(settings_from_context(ctx)) as service:
        cid = consultation_named(service, source).consultation_id
        if release:
            held = sorted(service.quarantined_participants(cid))
            changed = service.quarantine_participants(cid, held, quarantined=False)
            click.echo(f"released {changed} account(s) from quarantine")
            return
        report = service.find_brigades(cid)
        if not report.clusters:
            click.echo("no suspect clusters")
            return
        for number, cluster in enumerate(report.clusters, start=1):
            click.echo(_describe(number, cluster, service, cid))
        if quarantine:
            changed = service.quarantine_participants(cid, sorted(report.suspects))
            click.echo(f"quarantined {changed} account(s); the next analysis leaves them out")
