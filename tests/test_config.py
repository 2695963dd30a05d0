"""Settings are read from DELIBERATE_* variables, typed, frozen and strict about unknown names."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from deliberate.config import Settings
from deliberate.errors import ConfigurationError


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_environ({})
    assert settings.database_url.startswith("sqlite:///")
    assert settings.max_statement_length == 280
    assert settings.privacy_k == 5


def test_values_are_parsed_by_type() -> None:
    settings = Settings.from_environ(
        {
            "DELIBERATE_PORT": "9000",
            "DELIBERATE_HTTPS": "yes",
            "DELIBERATE_ANALYSIS_DEBOUNCE_SECONDS": "0.25",
            "DELIBERATE_MODELS_DIR": "/srv/models",
            "PATH": "/usr/bin",  # other variables are none of our business
        }
    )
    assert settings.port == 9000
    assert settings.https is True
    assert settings.analysis_debounce_seconds == 0.25
    assert settings.models_dir == Path("/srv/models")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DELIBERATE_PORTT": "1"}, "unknown setting DELIBERATE_PORTT"),
        ({"DELIBERATE_PORT": "eighty"}, "DELIBERATE_PORT='eighty' is not a valid int"),
        ({"DELIBERATE_HTTPS": "maybe"}, "DELIBERATE_HTTPS='maybe' is not a valid bool"),
    ],
)
def test_bad_values_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_environ(environ)


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.port = 1  # type: ignore[misc]
    assert settings.replace(port=1).port == 1


def test_secrets_have_no_documented_default() -> None:
    rows = {name: default for name, default, _ in Settings.describe()}
    assert rows["DELIBERATE_SECRET_KEY"] == ""


def test_test_suite_variables_are_ignored() -> None:
    settings = Settings.from_environ(
        {"DELIBERATE_TEST_POSTGRES_URL": "postgresql://x", "DELIBERATE_TEST_CHROMIUM": "/bin/c"}
    )
    assert settings == Settings()
