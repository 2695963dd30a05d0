"""Printable paper forms: valid A4 PDFs, readable text, deterministic bytes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support import missing

from deliberate.domain.sessions import PhysicalSession, Table
from deliberate.errors import InvalidInput
from deliberate.interop.paper_forms import FormHeading, render_form, render_table_forms

HEADING = FormHeading("Stadsgesprek De Pijp", "Hoe maken we De Pijp groener en veiliger?")
JOIN_URL = "https://deliberate.example/doe-mee/stadsgesprek?kanaal=session:sessie-pijp"
requires_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason=missing("poppler-utils (pdftotext, pdfinfo)", "apt-get install poppler-utils"),
)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_info(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines())}


@requires_poppler
def test_one_form_is_a_readable_a4_pdf(session, table, statements, tmp_path: Path) -> None:
    pdf = render_form(
        HEADING, statements, session=session, table=table, form_number=407, join_url=JOIN_URL
    )
    assert pdf.startswith(b"%PDF-")
    info = pdf_info(pdf, tmp_path)
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("595.276 x 841.89")  # A4 in points
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "Formulier 407",
        "Tafel 4, buurthuis De Pijp, 12 maart",
        "eens",
        "oneens",
        "weet niet",
        "S1",
        "S5",
        "Parkeren voor bewoners moet goedkoper worden.",
        "Zet er geen naam op",
        "Scan de code",
    ):
        assert expected in " ".join(text.split()), expected


def test_same_arguments_give_the_same_bytes(session, table, statements) -> None:
    first = render_form(
        HEADING, statements, session=session, table=table, form_number=401, join_url=JOIN_URL
    )
    again = render_form(
        HEADING, statements, session=session, table=table, form_number=401, join_url=JOIN_URL
    )
    other = render_form(
        HEADING, statements, session=session, table=table, form_number=402, join_url=JOIN_URL
    )
    assert first == again
    assert first != other


@requires_poppler
def test_table_forms_are_numbered_one_per_page(session, statements, tmp_path: Path) -> None:
    table = Table("sessie-pijp", 2, "Joost", form_count=3)
    pdf = render_table_forms(HEADING, statements, session=session, table=table)
    assert pdf_info(pdf, tmp_path)["Pages"] == "3"
    text = pdf_text(pdf, tmp_path)
    pages = text.split("\f")
    for page, number in zip(pages, (201, 202, 203), strict=False):
        assert f"Formulier {number}" in page
    assert "Scan de code" not in text  # no join URL, no QR code


def test_text_is_escaped_not_interpreted(session, table, tmp_path: Path) -> None:
    from deliberate.domain.sessions import number_statements

    hostile = number_statements([("x", "<img src=file:///etc/passwd> & <b>vet</b>")])
    pdf = render_form(HEADING, hostile, session=session, table=table, form_number=401)
    if shutil.which("pdftotext"):
        assert "<b>vet</b>" in pdf_text(pdf, tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"form_number": 426}, "not one of the forms"),
        ({"form_number": 401, "join_url": "javascript:alert(1)"}, "https://"),
        ({"form_number": 401, "statements": ()}, "at least one statement"),
    ],
)
def test_bad_arguments_raise_typed_errors(session, table, statements, kwargs, message) -> None:
    arguments = {"statements": statements} | kwargs
    with pytest.raises(InvalidInput, match=message):
        render_form(HEADING, arguments.pop("statements"), session=session, table=table, **arguments)


def test_table_of_another_session_and_empty_tables_are_refused(session, statements) -> None:
    with pytest.raises(InvalidInput):
        render_table_forms(
            HEADING, statements, session=session, table=Table("elders", 1, "Ans", form_count=1)
        )
    with pytest.raises(InvalidInput):
        render_table_forms(
            HEADING, statements, session=session, table=Table("sessie-pijp", 1, "Ans", form_count=0)
        )
    other = PhysicalSession("elders", "c", "bibliotheek", session.held_on)
    assert other.session_id != session.session_id
