"""Render an :class:`AdviceReport` as PDF, from the same HTML as the web report.

WeasyPrint lays out the print form of the HTML (every evidence block open). The PDF's dates
come from the report (:func:`fixed_timestamp`), and its file identifier from the HTML, so the
same report gives a byte-identical file.
"""

from __future__ import annotations

import hashlib

from deliberate.advice.docx_file import fixed_timestamp
from deliberate.advice.render import render_html
from deliberate.advice.report import AdviceReport

__all__ = ["render_pdf"]


def render_pdf(report: AdviceReport, *, attribution: str = "") -> bytes:
    """The report as a PDF file (bytes), A4, with page numbers."""
    # Imported here: WeasyPrint loads Pango at import time, which only PDF output needs.
    import weasyprint

    stamp = fixed_timestamp(report).strftime("%Y-%m-%dT%H:%M:%SZ")
    html = render_html(report, for_print=True, attribution=attribution)
    html = html.replace(
        '<meta name="generator"',
        f'<meta name="dcterms.created" content="{stamp}">\n'
        f'<meta name="dcterms.modified" content="{stamp}">\n<meta name="generator"',
        1,
    )
    document = weasyprint.HTML(string=html)
    identifier = hashlib.md5(html.encode("utf-8"), usedforsecurity=False).hexdigest().encode()
    return bytes(document.write_pdf(pdf_identifier=identifier, uncompressed_pdf=False))
