"""Printable paper voting forms (PDF, A4) for a round's statements at a physical session.

Each form lists the statements with their short codes (``S1``, ``S2``…, the same codes the entry
grid and the upload use) and three large tick boxes: eens / oneens / weet niet. The form number
stands at the top of every page, so a loose page can still be matched, and a QR code lets
people vote on their phone instead, counted with the session as channel.

Large type (14 pt body, high contrast, no light grey) keeps the form usable for older
residents. Output is deterministic: the same arguments give the same bytes, because the PDF
metadata is fixed and WeasyPrint's document identifier is derived from the content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from deliberate.domain.sessions import FormStatement, PhysicalSession, Table, provenance
from deliberate.errors import InvalidInput

__all__ = [
    "MAX_STATEMENTS_PER_FORM",
    "FormHeading",
    "render_form",
    "render_table_forms",
]

MAX_STATEMENTS_PER_FORM = 60


@dataclass(frozen=True, slots=True)
class FormHeading:
    """What a form says above the statements: the consultation title and its question."""

    title: str
    question: str = ""


_CSS = """
@page {
  size: A4;
  margin: 14mm 15mm 16mm 15mm;
  @top-right { content: "Formulier " string(form-number); font: bold 12pt sans-serif; }
  @bottom-center {
    content: "Lever dit formulier in bij de tafelbegeleider. Zet er geen naam op.";
    font: 11pt sans-serif;
  }
}
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 14pt;
       line-height: 1.3; color: #000; }
.form { break-before: page; }
.form:first-child { break-before: auto; }
.top { display: flex; justify-content: space-between; align-items: flex-start; }
h1 { font-size: 20pt; margin: 0 0 2mm 0; }
.question { font-size: 15pt; margin: 0 0 2mm 0; }
.where { font-size: 13pt; margin: 0; }
.number { string-set: form-number content(text); }
.box-number { border: 2pt solid #000; padding: 1mm 3mm; font-size: 18pt; font-weight: bold;
              display: inline-block; margin-top: 2mm; }
.qr { width: 34mm; text-align: center; font-size: 10pt; margin-left: 6mm; }
.qr img { width: 30mm; height: 30mm; }
.how { border-top: 1.5pt solid #000; border-bottom: 1.5pt solid #000; padding: 2mm 0;
       margin: 4mm 0 3mm 0; font-size: 13pt; }
table { width: 100%; border-collapse: collapse; }
thead { display: table-header-group; }
th { font-size: 12.5pt; text-align: center; padding: 1mm 0; border-bottom: 1.5pt solid #000; }
th.text { text-align: left; }
td { border-bottom: 0.75pt solid #000; padding: 1.6mm 1mm; vertical-align: middle; }
tr { break-inside: avoid; }
td.code { font-weight: bold; width: 10mm; white-space: nowrap; }
td.tick { width: 21mm; text-align: center; }
.end { font-size: 13pt; margin-top: 4mm; }
.box { display: inline-block; width: 9mm; height: 9mm; border: 1.8pt solid #000; }
"""

_TEMPLATE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8">
<title>{{ heading.title }} – stemformulier</title>
<meta name="author" content="deliberate">
<meta name="generator" content="deliberate">
<style>{{ css }}</style></head>
<body>
{% for form in forms %}
<section class="form">
  <div class="top">
    <div>
      <h1>{{ heading.title }}</h1>
      {% if heading.question %}<p class="question">{{ heading.question }}</p>{% endif %}
      <p class="where">{{ where }}</p>
      <div class="box-number">Formulier <span class="number">{{ form }}</span></div>
    </div>
    {% if qr %}<div class="qr"><img src="{{ qr }}" alt="QR-code">
      Liever op je telefoon? Scan de code.</div>{% endif %}
  </div>
  <p class="how">Zet bij elke stelling <strong>één kruisje</strong>.
    Weet je het niet? Kies dan <strong>weet niet</strong>.
    Je mag een stelling ook overslaan.</p>
  <table>
    <thead><tr><th></th><th class="text">Stelling</th>
      <th>eens</th><th>oneens</th><th>weet niet</th></tr></thead>
    <tbody>
    {% for statement in statements %}
      <tr><td class="code">{{ statement.code }}</td><td>{{ statement.text }}</td>
        <td class="tick"><span class="box"></span></td>
        <td class="tick"><span class="box"></span></td>
        <td class="tick"><span class="box"></span></td></tr>
    {% endfor %}
    </tbody>
  </table>
  <p class="end">Einde van formulier {{ form }}. Dank je wel!</p>
</section>
{% endfor %}
</body></html>
"""

_ENVIRONMENT = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _qr_data_uri(join_url: str) -> str:
    if not join_url.startswith(("https://", "http://")):
        raise InvalidInput("the join URL for the QR code must start with https:// or http://")
    # Error correction M survives a crease or a coffee ring; a quiet zone of 4 modules is the
    # minimum phone scanners expect.
    return str(segno.make_qr(join_url, error="m").svg_data_uri(scale=4, border=4))


def _render(
    heading: FormHeading,
    statements: Sequence[FormStatement],
    *,
    session: PhysicalSession,
    table: Table,
    form_numbers: Sequence[int],
    join_url: str,
) -> bytes:
    from weasyprint import HTML  # imported here: loading WeasyPrint is slow and only PDFs need it

    if not statements:
        raise InvalidInput("a paper form needs at least one statement")
    if len(statements) > MAX_STATEMENTS_PER_FORM:
        raise InvalidInput(
            "a paper form holds at most %(max_statements_per_form)s statements",
            params={"max_statements_per_form": MAX_STATEMENTS_PER_FORM},
            detail={"statements": len(statements)},
        )
    if table.session_id != session.session_id:
        raise InvalidInput("the table does not belong to this session")
    html = _ENVIRONMENT.from_string(_TEMPLATE).render(
        heading=heading,
        statements=statements,
        forms=form_numbers,
        where=_sentence_case(provenance(session, table)),
        qr=_qr_data_uri(join_url) if join_url else "",
        # The style sheet is ours, not user input: escaping it would break its quoted strings.
        css=Markup(_CSS),  # noqa: S704
    )
    # A content-derived identifier keeps the bytes stable; WeasyPrint would otherwise use a
    # random one, and reprinting the same forms should give the same file.
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    pdf = HTML(string=html).write_pdf(pdf_identifier=identifier, uncompressed_pdf=False)
    if not isinstance(
        pdf, bytes
    ):  # pragma: no cover - write_pdf returns bytes when no target is given
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf


def render_form(
    heading: FormHeading,
    statements: Sequence[FormStatement],
    *,
    session: PhysicalSession,
    table: Table,
    form_number: int,
    join_url: str = "",
) -> bytes:
    """One paper form as a PDF.

    Parameters
    ----------
    heading : FormHeading
        Consultation title and question printed at the top.
    statements : sequence of FormStatement
        The round's statements with their codes, from :func:`number_statements`.
    session, table : PhysicalSession, Table
        Where the form is used; printed as ``Tafel 4, buurthuis De Pijp, 12 maart``.
    form_number : int
        Must be one of ``table.form_numbers``.
    join_url : str
        Join link with the session as channel, encoded in the QR code; empty prints no QR code.
    """
    if form_number not in table.form_numbers:
        raise InvalidInput(
            "form %(form_number)s is not one of the forms of table %(number)s",
            params={"form_number": form_number, "number": table.number},
            detail={"form_number": form_number},
        )
    return _render(
        heading,
        statements,
        session=session,
        table=table,
        form_numbers=[form_number],
        join_url=join_url,
    )


def render_table_forms(
    heading: FormHeading,
    statements: Sequence[FormStatement],
    *,
    session: PhysicalSession,
    table: Table,
    join_url: str = "",
) -> bytes:
    """All ``table.form_count`` numbered forms of a table in one PDF, each starting a new page."""
    if not table.form_numbers:
        raise InvalidInput(
            "table %(number)s has no paper forms to print", params={"number": table.number}
        )
    return _render(
        heading,
        statements,
        session=session,
        table=table,
        form_numbers=list(table.form_numbers),
        join_url=join_url,
    )
