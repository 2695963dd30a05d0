"""Render an :class:`AdviceReport` as HTML (self-contained) or Markdown (with footnotes).

Renderers lay out the report; they add no claims. The HTML has no script and no external
resource: styles are inline, charts are inline SVG, and evidence opens on click through
``<details>``, so it works offline, in print and with a screen reader.
"""

from __future__ import annotations

from importlib.resources import files

import jinja2
from markupsafe import Markup

from deliberate.advice.charts import group_colour, map_svg, vote_bars_svg
from deliberate.advice.report import AdviceReport, Evidence
from deliberate.advice.wording import phrasebook

__all__ = ["format_number", "render_html", "render_markdown", "report_css"]


def format_number(value: float) -> str:
    """A measure for display: whole numbers without decimals, others with three."""
    if float(value).is_integer():
        return str(int(value))
    if abs(value) < 0.001:
        return f"{value:.2e}"  # small p-values stay readable instead of showing 0.000
    return f"{value:.3f}"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("deliberate.advice", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _bars_summary(report: AdviceReport, evidence: Evidence) -> str:
    labels = report.labels
    return (
        f"{labels['statement']} {evidence.number}: {labels['agree']} {evidence.agree}, "
        f"{labels['disagree']} {evidence.disagree}, {labels['pass']} {evidence.passed}"
    )


def report_css() -> str:
    """The report's style sheet (inline in files; served separately where a CSP forbids that)."""
    return (files("deliberate.advice") / "templates" / "report.css").read_text("utf-8")


def render_html(
    report: AdviceReport,
    *,
    for_print: bool = False,
    attribution: str = "",
    stylesheet_href: str = "",
    toolbar: str = "",
) -> str:
    """The report as one self-contained HTML document.

    Parameters
    ----------
    report : AdviceReport
    for_print : bool
        Open every evidence block, for PDF and paper where nothing can be clicked.
    attribution : str
        A licence or source statement for the footer (for example CC BY for open data).
    stylesheet_href : str
        Link this style sheet instead of inlining the CSS (for pages served under a strict CSP).
    toolbar : str
        Trusted, already-escaped HTML placed above the report (the facilitator console's tools).
    """
    labels = report.labels
    group_labels = [label for label, _, suppressed in report.groups if not suppressed]
    placed = report.facts.participants_in_analysis
    groups = [
        (
            label,
            size,
            suppressed,
            # Whole, unless that reads as none or all (5 of 1,200 is 0,4, not 0).
            phrasebook(report.language).percent(size / placed, ())
            if placed and size is not None
            else "0",
            group_colour(label, group_labels),
        )
        for label, size, suppressed in report.groups
    ]
    # Markup is safe below: the chart builders escape every text they draw, and the CSS is ours.
    bars = {
        (finding.reference, index): Markup(  # noqa: S704
            vote_bars_svg(item, everyone=labels["everyone"], summary=_bars_summary(report, item))
        )
        for finding in report.findings
        for index, item in enumerate(finding.evidence)
    }
    css = "" if stylesheet_href else report_css()
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        labels=labels,
        groups=groups,
        bars=bars,
        css=Markup(css),  # noqa: S704
        map_svg=Markup(  # noqa: S704
            map_svg(
                report.map_points,
                group_labels,
                title=labels["map"],
                desc=labels["map.caption"],
            )
        ),
        stylesheet_href=stylesheet_href,
        toolbar=Markup(toolbar),  # noqa: S704 - the caller's own escaped markup, documented above
        for_print=for_print,
        charted=("agreement", "difference", "minority"),
        attribution=attribution,
        number=format_number,
    )


def _footnote(report: AdviceReport, evidence: Evidence) -> str:
    labels = report.labels
    parts = [
        f"{labels['statement']} {evidence.number} “{evidence.text}”: "
        f"{labels['everyone']}: {labels['agree'].lower()} {evidence.agree}, "
        f"{labels['disagree'].lower()} {evidence.disagree}, {labels['pass'].lower()} "
        f"{evidence.passed} ({evidence.total})"
    ]
    for figures in evidence.by_group:
        if figures.suppressed:
            parts.append(f"{figures.group_label}: {labels['suppressed']}")
        else:
            parts.append(
                f"{figures.group_label} {figures.agree}/{figures.disagree}/{figures.passed}"
            )
    if evidence.measures:
        parts.append(", ".join(f"{k} = {format_number(v)}" for k, v in evidence.measures))
    return "; ".join(parts)


def _escape_markdown(text: str) -> str:
    # Statement texts are written by participants: neutralise Markdown and HTML in them. A line
    # break inside one would end a bullet or a footnote (a next line "- …" starts a new bullet,
    # and the figures after the quote fall outside their footnote): one line, as HTML shows it.
    text = " ".join(text.splitlines())
    for character in "\\`*_[]<>#|":
        text = text.replace(character, "\\" + character)
    return text


def render_markdown(report: AdviceReport, *, attribution: str = "") -> str:
    """The report as Markdown; each finding links to a footnote with its evidence."""
    labels = report.labels
    lines = [f"# {_escape_markdown(report.title)}", "", f"*{labels['document']}*", ""]
    if report.question:
        lines += [f"> {_escape_markdown(report.question)}", ""]
    notes: list[str] = []
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        for paragraph in section.paragraphs:
            lines += [_escape_markdown(paragraph), ""]
        for sentence, reference in section.points:
            lines.append(
                f"- {_escape_markdown(sentence)}" + (f" [^{reference}]" if reference else "")
            )
        if section.points:
            lines.append("")
        if section.kind == "question" and report.groups:
            lines += [f"| {labels['group']} | {labels['size']} |", "|---|---:|"]
            for label, size, suppressed in report.groups:
                lines.append(f"| {label} | {labels['suppressed'] if suppressed else size} |")
            lines.append("")
        for finding in section.findings:
            lines.append(f"- {_escape_markdown(finding.sentence)} [^{finding.reference}]")
            rule = (
                f" ({labels['measure']}: {_escape_markdown(finding.rule)})" if finding.rule else ""
            )
            notes.append(
                f"[^{finding.reference}]: "
                + " — ".join(_escape_markdown(_footnote(report, e)) for e in finding.evidence)
                + rule
            )
        if section.findings:
            lines.append("")
        if section.kind == "method" and report.facts.parameters:
            lines += [f"| {labels['parameters']} | {labels['value']} |", "|---|---|"]
            lines += [f"| {name} | {value} |" for name, value in report.facts.parameters]
            lines.append("")
    if attribution:
        lines += ["---", "", _escape_markdown(attribution), ""]
    return "\n".join(lines + notes) + "\n"
