"""Every real conversation in ``polis-open-data`` gives a valid result in both modes.

The adjusted Rand index against Polis's own ``group-id`` is recorded in ``docs/analysis.md``
(measured by ``benchmarks/analysis.py --real-data``); here the conversations where Polis's groups
are stable (README of the data folder) must agree with Polis in Polis mode.
"""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from sklearn.metrics import adjusted_rand_score
from support import POLIS_OPEN_DATA, requires_shared

from deliberate.analysis import AnalysisParams, AnalysisResult, analyse
from deliberate.cli import main
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import AnalysisWarning
from deliberate.interop import read_polis_export

pytestmark = requires_shared

FOLDERS = sorted(
    p.name for p in POLIS_OPEN_DATA.glob("*") if (p / "participants-votes.csv").is_file()
)
# Polis-mode agreement floor where Polis's own groups are stable (two clear groups).
STABLE = {
    "austria-climate.7z7ejpbmv5.2022-08-08": 0.8,
    "austria-climate.2vkxcncppn.2022-07-07": 0.7,
}


@cache
def _snapshot(name: str) -> VoteSnapshot:
    return read_polis_export(POLIS_OPEN_DATA / name)


def _analyse(name: str, mode: str) -> AnalysisResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)  # tiny conversations may warn; fine here
        return analyse(_snapshot(name), params=AnalysisParams(mode=mode))  # type: ignore[arg-type]


def _polis_ari(name: str, result: AnalysisResult) -> float:
    polis = {
        p.participant_id: dict(p.attributes)["polis-group-id"]
        for p in _snapshot(name).participants
        if dict(p.attributes).get("polis-group-id")
    }
    ours = result.group_of()
    common = sorted(set(polis) & set(ours))
    return float(adjusted_rand_score([polis[p] for p in common], [ours[p] for p in common]))


# The three conversations with more than 1,000 voters run in one mode each to keep the suite short.
LARGE = {
    "american-assembly.bowling-green": "deliberate",
    "austria-climate.2vkxcncppn.2022-07-07": "polis",
    "austria-climate.7z7ejpbmv5.2022-08-08": "polis",
}
CASES = [
    (name, mode)
    for name in FOLDERS
    for mode in ("deliberate", "polis")
    if LARGE.get(name, mode) == mode
]


@pytest.mark.parametrize(("name", "mode"), CASES)
def test_every_conversation_gives_a_valid_result(name: str, mode: str) -> None:
    result = _analyse(name, mode)
    data = result.to_json()
    assert AnalysisResult.from_json(data).to_json() == data
    assert 1 <= len(result.groups) <= 5
    assert result.participants_in_analysis == sum(g.size for g in result.groups)
    assert all(len(position) == 2 for position in result.projection.values())
    if mode == "polis" and name in STABLE:
        assert _polis_ari(name, result) >= STABLE[name]


def test_cli_on_an_open_data_folder(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    outcome = CliRunner().invoke(
        main, ["analyze", str(POLIS_OPEN_DATA / "brexit-consensus"), "--out", str(out)]
    )
    assert outcome.exit_code == 0, outcome.output
    document = json.loads(out.read_bytes())
    assert document["n_participants"] == 204
    assert document["n_statements"] == 50


COMMENTS_ONLY = sorted(
    p.name
    for p in POLIS_OPEN_DATA.glob("*")
    if (p / "comments.csv").is_file() and not (p / "participants-votes.csv").is_file()
)


def test_the_parametrised_cases_cover_every_folder() -> None:
    # Folders are found by listing: a missing or emptied data folder must fail here, not make
    # the parametrised tests vanish.
    assert (len(FOLDERS), len(COMMENTS_ONLY)) == (11, 3)


@pytest.mark.parametrize("name", COMMENTS_ONLY)
def test_folders_without_vote_files_give_an_empty_result_with_a_warning(name: str) -> None:
    from deliberate.analysis import NoVotesWarning

    with pytest.warns(NoVotesWarning):
        result = analyse(_snapshot(name))
    assert result.n_votes == 0
    assert result.groups == ()
    assert result.warnings[0].startswith("no_votes:")
