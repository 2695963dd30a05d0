"""Open-data export: Polis folder and JSON; importing the export gives the same analysis."""

from __future__ import annotations

import csv
import dataclasses
import json
import warnings

import pytest
from support import POLIS_OPEN_DATA

from deliberate.analysis.pipeline import analyse
from deliberate.analysis.simulate import simulate_votes
from deliberate.errors import AnalysisWarning, InvalidInput
from deliberate.interop.anonymise import anonymise
from deliberate.interop.export import POLIS_FILES, export_json, export_polis
from deliberate.interop.polis import read_polis_export
from deliberate.interop.snapshot_json import snapshot_from_json


def _analyse(snapshot):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)  # recorded in result.warnings
        return analyse(snapshot)


@pytest.mark.parametrize("name", ["london.youth.policing", "scoop-hivemind.ubi"])
def test_polis_round_trip_gives_the_same_analysis(name, tmp_path):
    snapshot = read_polis_export(POLIS_OPEN_DATA / name)
    result = _analyse(snapshot)
    written = export_polis(snapshot, tmp_path / name, groups=result.group_of())
    assert [path.name for path in written] == list(POLIS_FILES)
    again = _analyse(read_polis_export(tmp_path / name))
    # Open data carries day-level times and only the vote that counts (no history of changes),
    # so the input digest, the order of the participants and the per-channel counts (which
    # counted each change) may differ; the analysis itself does not.
    assert again.group_of() == result.group_of()
    first, second = json.loads(result.to_json()), json.loads(again.to_json())
    for data in (first, second):
        del data["input_digest"], data["channels"]
        data["below_threshold"] = sorted(data["below_threshold"])
    assert first == second


def test_simulated_consultation_exports_numbered_ids(tmp_path):
    snapshot, _ = simulate_votes(
        n_participants=60, n_statements=12, group_sizes=(0.7, 0.3), density=0.8, noise=0.05,
        random_state=3,
    )  # fmt: skip
    export_polis(snapshot, tmp_path / "wijk")
    with (tmp_path / "wijk" / "participants-votes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(snapshot.participants)
    assert all(row["participant"].isdigit() for row in rows)
    again = read_polis_export(tmp_path / "wijk")
    assert len(again.votes) == len(snapshot.votes)
    assert sorted(int(v.value) for v in again.votes) == sorted(int(v.value) for v in snapshot.votes)
    # Same votes under new numbers: the analysis finds the same group sizes.
    first, second = _analyse(snapshot), _analyse(again)
    assert sorted(g.size for g in first.groups) == sorted(g.size for g in second.groups)


def test_json_export_round_trips(tmp_path):
    snapshot, _ = simulate_votes(
        n_participants=40, n_statements=10, group_sizes=(0.5, 0.5), density=0.9, noise=0.05,
        random_state=4,
    )  # fmt: skip
    result = _analyse(snapshot)
    written = export_json(snapshot, tmp_path / "out", analysis=result.to_json())
    assert [path.name for path in written] == ["snapshot.json", "analysis.json"]
    published = snapshot_from_json(written[0].read_bytes())
    # What open data may carry: day-level times, and the threshold it was made k-anonymous for.
    assert published.metadata["open_data_k"] == "5"
    assert (
        published
        == anonymise(dataclasses.replace(snapshot, metadata=published.metadata), k=5).snapshot
    )
    assert json.loads(written[1].read_bytes())["input_digest"] == result.input_digest


def test_export_refuses_a_file_as_folder(tmp_path):
    snapshot, _ = simulate_votes(
        n_participants=10, n_statements=5, group_sizes=(1.0,), density=1.0, noise=0.0,
        random_state=0,
    )  # fmt: skip
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInput, match="is not a folder"):
        export_polis(snapshot, target)
