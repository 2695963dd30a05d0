"""``deliberate report`` (the draft advice in four formats) and ``deliberate export``."""

from __future__ import annotations

from pathlib import Path

import click

from deliberate.advice import (
    AdviceReport,
    ConsultationTexts,
    Theme,
    draft_advice,
    render_html,
    render_markdown,
)
from deliberate.advice.docx_file import render_docx
from deliberate.advice.pdf_file import render_pdf
from deliberate.analysis.params import AnalysisParams
from deliberate.analysis.pipeline import analyse
from deliberate.analysis.weighting import PopulationMargins
from deliberate.cli._common import progress, settings_from_context
from deliberate.cli._database import consultation_records
from deliberate.config import Settings
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import InvalidInput, InvalidUpload
from deliberate.interop.export import export_json, export_polis
from deliberate.interop.polis import read_polis_source
from deliberate.interop.snapshot_json import snapshot_from_json
from deliberate.text.themes import extract_themes

__all__ = [
    "POLIS_ATTRIBUTION",
    "export",
    "load_consultation",
    "report",
    "topics",
]

# The licence statement Polis open data asks every derived work to carry.
POLIS_ATTRIBUTION = (
    "Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed "
    "under CC BY 4.0 with Attribution to The Computational Democracy Project."
)


def load_consultation(
    source: str, settings: Settings
) -> tuple[VoteSnapshot, ConsultationTexts, PopulationMargins | None]:
    """A snapshot and its texts from a path (Polis folder, JSON) or a consultation in the database,
    with the consultation's population figures when it has any (files have none).

    A consultation is named by its id or its join code.
    """
    path = Path(source)
    if path.is_dir():
        snapshot = read_polis_source(path)
        return snapshot, ConsultationTexts(question=snapshot.question), None
    if path.is_file():
        if path.suffix.lower() != ".json":
            raise InvalidUpload(f"{path.name} is neither a Polis export folder nor a .json export.")
        snapshot = snapshot_from_json(path.read_bytes())
        return snapshot, ConsultationTexts(question=snapshot.question), None
    consultation, snapshot, margins = consultation_records(source, settings)
    texts = ConsultationTexts(
        title=consultation.question,
        question=consultation.question,
        introduction=consultation.description,
    )
    return snapshot, texts, margins


def topics(snapshot: VoteSnapshot, *, seed: int) -> list[Theme]:
    """Themes of the included statements, from their words (the lexical embedder: no model).

    Fewer than three statements give no themes; the advice then groups by opinion group.
    """
    included = [s for s in snapshot.statements if s.included and s.text.strip()]
    if len(included) < 3:
        return []
    found = extract_themes(
        [s.statement_id for s in included], [s.text for s in included], random_state=seed
    )
    return [
        Theme(theme.label[:1].upper() + theme.label[1:], theme.statement_ids) for theme in found
    ]


def _ledger_json(advice: AdviceReport) -> bytes:
    """The claim ledger: every claim with its figures and rule, beside the member ids of the
    groups shown (a hidden group names no member: docs/privacy.md)."""
    return advice.ledger.to_json().encode("utf-8") if advice.ledger is not None else b"{}\n"


_RENDERERS = {
    "html": lambda report, note: render_html(report, attribution=note).encode("utf-8"),
    "md": lambda report, note: render_markdown(report, attribution=note).encode("utf-8"),
    "docx": lambda report, note: render_docx(report, attribution=note),
    "pdf": lambda report, note: render_pdf(report, attribution=note),
    "json": lambda report, note: _ledger_json(report),
}


@click.command("report")
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(sorted(_RENDERERS)), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default=None, help="Default: nl.")
@click.option("--seed", type=int, default=None, help="Analysis seed (default: the setting).")
@click.pass_context
def report(
    ctx: click.Context, source: str, fmt: str, out: Path, lang: str | None, seed: int | None
) -> None:
    """Write the draft citizens' advice for SOURCE (a Polis export folder, a snapshot JSON file,
    or a consultation id or join code in the database). ``--format json`` writes the claim
    ledger: every claim with its figures and rule thresholds, and the member ids of the groups
    that are shown (a group hidden by the privacy threshold names no member)."""
    settings = settings_from_context(ctx)
    if not out.parent.is_dir():
        raise InvalidInput(f"The folder for {out.name} does not exist; create it first.")
    with progress() as bar:
        task = bar.add_task("report", total=3)
        snapshot, texts, margins = load_consultation(source, settings)
        bar.advance(task)
        params = AnalysisParams.from_settings(settings, seed=seed)
        result = analyse(snapshot, params=params, tally_weight=settings.tally_weight)
        bar.advance(task)
        advice = draft_advice(
            result,
            snapshot,
            language=lang or settings.default_language,
            texts=texts,
            themes=topics(snapshot, seed=params.seed),
            privacy_k=settings.privacy_k,
            margins=margins,
            weight_cap=settings.weight_cap,
        )
        note = POLIS_ATTRIBUTION if snapshot.metadata.get("source") == "polis" else ""
        data = _RENDERERS[fmt](advice, note)
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise InvalidInput(f"{out.name} cannot be written: {exc.strerror}.") from None
        bar.advance(task)
    minority = len(advice.section("minority").findings)
    click.echo(
        f"{out}: {fmt}, {len(advice.findings)} findings, {minority} minority positions, "
        f"{len(advice.groups)} groups"
    )


@click.command("export")
@click.argument("consultation")
@click.option("--format", "fmt", type=click.Choice(["polis", "json"]), required=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--seed", type=int, default=None, help="Seed of the analysis written alongside.")
@click.pass_context
def export(ctx: click.Context, consultation: str, fmt: str, out: Path, seed: int | None) -> None:
    """Export CONSULTATION (id, join code, or a source folder/file) as open data."""
    settings = settings_from_context(ctx)
    snapshot, _, _ = load_consultation(consultation, settings)
    params = AnalysisParams.from_settings(settings, seed=seed)
    result = analyse(snapshot, params=params, tally_weight=settings.tally_weight)
    k = settings.privacy_k
    if fmt == "polis":
        # The members of a suppressed group get no group-id: that would name them.
        hidden = {group.id for group in result.groups if group.suppressed}
        groups = {pid: gid for pid, gid in result.group_of().items() if gid not in hidden}
        written = export_polis(snapshot, out, groups=groups, privacy_k=k)
    else:
        written = export_json(snapshot, out, analysis=result.to_json(), privacy_k=k)
    click.echo(f"{out}: {', '.join(path.name for path in written)}")
