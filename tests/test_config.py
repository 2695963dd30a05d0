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
        ({"DELIBERATE_TALLY_WEIGHT": "2"}, "DELIBERATE_TALLY_WEIGHT must be between 0 and 1"),
        ({"DELIBERATE_SQLITE_PAGE_SIZE": "5000"}, "not 5000"),
        ({"DELIBERATE_SQLITE_PAGE_SIZE": "256"}, "power of two from 512 to 65536"),
        ({"DELIBERATE_SQLITE_PAGE_SIZE": "131072"}, "power of two from 512 to 65536"),
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


def test_the_tally_weight_reaches_the_live_analysis() -> None:
    from deliberate.analysis.result import AnalysisResult
    from deliberate.analysis.simulate import simulate_votes
    from deliberate.domain.snapshot import SnapshotTally
    from deliberate.worker import analyse_snapshot

    snapshot, _ = simulate_votes(
        n_participants=40,
        n_statements=6,
        group_sizes=(0.5, 0.5),
        density=1.0,
        noise=0.1,
        random_state=0,
    )
    first = snapshot.statements[0].statement_id
    hands = (SnapshotTally("session:s/table:1", first, agree=10, disagree=0, passed=0),)
    snapshot = dataclasses.replace(snapshot, tallies=hands)
    half = Settings(tally_weight=0.5)
    result = AnalysisResult.from_json(analyse_snapshot(snapshot, half))
    assert result.tally_weight == 0.5
    plain = sum(1 for v in snapshot.votes if v.statement_id == first and v.value == 1)
    assert result.combined[first].agree == pytest.approx(plain + 5)
