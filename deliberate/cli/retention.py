"""``deliberate purge``: remove per-participant data whose retention period is over (R-D4).

Run it daily (cron or a systemd timer). ``--dry-run`` prints the same counts and deletes nothing.
The exit status is 1 when the purge of any consultation failed (that one was rolled back).
"""

from __future__ import annotations

from datetime import datetime

import click

from deliberate.cli._common import consultation_named, progress, settings_from_context
from deliberate.service import (
    ConsultationPurge,
    PurgeCounts,
    PurgeReport,
    PurgeStatus,
    open_service,
)

__all__ = [
    "KIND_LABELS",
    "purge",
    "report_lines",
]

# The rows of the counts table, in the order of PurgeCounts.
KIND_LABELS = {
    "participants": "participants",
    "consents": "consents",
    "votes": "votes",
    "vote_history": "vote history",
    "idempotency_keys": "idempotency keys",
    "paper_forms": "paper forms",
    "authored_statements": "statements losing their author",
    "analysis_results": "analysis results losing pseudonyms",
}


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value is not None else "-"


def _state(found: ConsultationPurge, *, dry_run: bool) -> str:
    published = f"last published {_day(found.last_published)}"
    match found.status:
        case PurgeStatus.EXPIRED:
            if not found.counts.participants and not found.counts.analysis_results:
                done = "nothing left to remove"
            else:
                done = "its data would be removed" if dry_run else "its data was removed"
            return f"{published}, retention ended {_day(found.expires_at)}: {done}"
        case PurgeStatus.RETAINED:
            return f"{published}, kept until {_day(found.expires_at)}"
        case PurgeStatus.ROUND_OPEN:
            return f"{published}, but a round is open again: kept"
        case PurgeStatus.NOT_PUBLISHED:
            return "never published: kept"
        case PurgeStatus.FAILED:
            return f"failed, nothing of it was removed: {found.error}"


def _table(columns: list[ConsultationPurge], totals: PurgeCounts) -> list[str]:
    """Counts per kind (rows) and consultation (columns), with a total column."""
    headers = ["", *(c.join_code for c in columns), "total"]
    rows = [
        [KIND_LABELS[kind], *(str(getattr(c.counts, kind)) for c in columns), str(total)]
        for kind, total in totals.items()
    ]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        first, *numbers = cells
        rest = "  ".join(cell.rjust(width) for cell, width in zip(numbers, widths[1:], strict=True))
        return f"{first.ljust(widths[0])}  {rest}"

    return [line(headers), *(line(row) for row in rows)]


def report_lines(report: PurgeReport) -> list[str]:
    """The report as printed: one line per consultation, then the table of counts."""
    mode = " (dry run: nothing is deleted)" if report.dry_run else ""
    lines = [
        f"purge at {report.at.strftime('%Y-%m-%d %H:%M %Z')}{mode}",
        f"per-participant data is kept {report.retention_days} days after a consultation's "
        "last publication",
    ]
    if not report.consultations:
        lines.append("no consultations")
    width = max((len(c.join_code) for c in report.consultations), default=0)
    lines.extend(
        f"{c.join_code.ljust(width)}  {c.status.value}: {_state(c, dry_run=report.dry_run)}"
        for c in report.consultations
    )
    columns = [c for c in report.expired if c.counts != PurgeCounts()]
    if columns:
        lines.extend(["", *_table(columns, report.totals)])
    return lines


@click.command()
@click.option("--dry-run", is_flag=True, help="Count what would be removed; delete nothing.")
@click.option(
    "--consultation",
    "source",
    metavar="ID_OR_CODE",
    default=None,
    help="Only this consultation (its id or join code).",
)
@click.pass_context
def purge(ctx: click.Context, dry_run: bool, source: str | None) -> None:
    """Remove per-participant data whose retention period is over.

    A consultation's participants, their consent, votes, vote history, idempotency keys and
    paper forms, and their pseudonyms in stored analysis results, go DELIBERATE_RETENTION_DAYS
    after its last publication (a published round or advice version). Statements, table
    tallies, the analysis figures and the published advice stay. Safe to run daily.
    """
    with open_service(settings_from_context(ctx)) as service:
        only = consultation_named(service, source).consultation_id if source else None
        with progress() as bar:
            task = bar.add_task("counting" if dry_run else "purging", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = service.purge_expired(dry_run=dry_run, consultation_id=only, progress=advance)
    for line in report_lines(report):
        click.echo(line)
    for failed in report.failed:
        click.echo(f"error: the purge of {failed.join_code} failed: {failed.error}", err=True)
    if report.failed:
        ctx.exit(1)
