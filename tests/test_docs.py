"""Every setting and every error code is documented (docs/settings.md, docs/errors.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deliberate.config import Settings
from deliberate.errors import all_error_classes

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("variable", [row[0] for row in Settings.describe()])
def test_setting_is_documented(variable: str) -> None:
    assert f"`{variable}`" in (DOCS / "settings.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("error", all_error_classes(), ids=lambda cls: cls.code)
def test_error_code_is_documented(error: type) -> None:
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    assert f"`{error.code}`" in text  # type: ignore[attr-defined]
    assert f"`{error.__name__}`" in text


def test_error_codes_are_unique() -> None:
    codes = [cls.code for cls in all_error_classes()]
    assert len(codes) == len(set(codes))
