"""The open-data export is k-anonymous on its quasi-identifiers, and names no hidden group."""

from __future__ import annotations

import csv
import dataclasses
import json
import warnings
from collections import Counter

import numpy as np
import pytest

from deliberate.analysis.params import AnalysisParams
from deliberate.analysis.pipeline import analyse
from deliberate.analysis.simulate import simulate_votes
from deliberate.errors import AnalysisWarning, InvalidInput
from deliberate.interop.anonymise import DAY, anonymise, equivalence_classes
from deliberate.interop.export import export_json, export_polis
from deliberate.interop.snapshot_json import snapshot_from_json

K = 5
AGES = ("16-25", "26-40", "41-65", "66+", "")
WIJKEN = ("Centrum", "Noord", "Oost", "Zuid", "West", "De Hoven", "Het Dorp", "Kanaalzone")
CHANNELS = ("online", "online", "online", "session:s1/table:1", "session:s1/table:2")


def _consultation(n: int = 240, seed: int = 5):
    """A simulated consultation with age band, wijk, channel and microsecond vote times."""
    snapshot, _ = simulate_votes(
        n_participants=n, n_statements=20, group_sizes=(0.6, 0.38, 0.02), density=0.7,
        noise=0.1, random_state=seed,
    )  # fmt: skip
    rng = np.random.default_rng(seed)
    participants = [
        dataclasses.replace(
            p,
            channel=str(rng.choice(CHANNELS)),
            attributes=(("leeftijd", str(rng.choice(AGES))), ("wijk", str(rng.choice(WIJKEN)))),
        )
        for p in snapshot.participants
    ]
    start = 1_764_979_200.0  # a Sunday, midnight UTC
    offsets = {p.participant_id: float(rng.integers(0, 14)) * DAY for p in participants}
    votes = [
        dataclasses.replace(
            v, timestamp=start + offsets[v.participant_id] + float(rng.uniform(0, DAY - 1))
        )
        for v in snapshot.votes
    ]
    return dataclasses.replace(snapshot, participants=participants, votes=votes)


def test_the_raw_snapshot_singles_people_out():
    # The problem the export solves: on age band, wijk, channel and time many are unique.
    classes = equivalence_classes(_consultation())
    assert sum(1 for size in classes.values() if size == 1) > 100


def test_json_export_is_k_anonymous(tmp_path):
    snapshot = _consultation()
    export_json(snapshot, tmp_path / "out", privacy_k=K)
    published = snapshot_from_json((tmp_path / "out" / "snapshot.json").read_bytes())
    classes = equivalence_classes(published)
    assert min(classes.values()) >= K, sorted(classes.values())[:5]
    assert len(classes) >= 2, "not everything was left out"
    assert all(v.timestamp % DAY == 0 for v in published.votes), "times are cut to the day"
    # The votes themselves are untouched; only what could identify was generalised.
    assert sorted((v.participant_id, v.statement_id, v.value) for v in published.votes) == sorted(
        (v.participant_id, v.statement_id, v.value) for v in snapshot.votes
    )
    left_out = published.metadata["open_data_left_out"]
    assert published.metadata["open_data_k"] == str(K)
    assert left_out, "this consultation needs something left out"
    for name in left_out.split(","):
        if name in ("leeftijd", "wijk"):
            assert all(name not in dict(p.attributes) for p in published.participants)


@pytest.mark.parametrize("k", [2, 5, 10, 25])
def test_every_k_is_met(k):
    anonymised = anonymise(_consultation(seed=k), k=k)
    assert min(equivalence_classes(anonymised.snapshot).values()) >= k


def test_a_consultation_with_fewer_than_k_people_is_not_exported(tmp_path):
    snapshot = _consultation(n=4)
    with pytest.raises(InvalidInput, match="at least 5 participants"):
        export_json(snapshot, tmp_path / "out", privacy_k=K)


def test_polis_export_cuts_times_and_names_no_hidden_group(tmp_path):
    snapshot = _consultation()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(snapshot, params=AnalysisParams(privacy_k=K))
    hidden = {g.id for g in result.groups if g.suppressed}
    groups = {pid: gid for pid, gid in result.group_of().items() if gid not in hidden}
    export_polis(snapshot, tmp_path / "polis", groups=groups, privacy_k=K)
    with (tmp_path / "polis" / "votes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(int(row["timestamp"]) % 86_400_000 == 0 for row in rows)
    days: dict[str, set[str]] = {}
    for row in rows:
        days.setdefault(row["voter-id"], set()).add(row["timestamp"])
    classes = Counter(frozenset(found) for found in days.values())
    assert min(classes.values()) >= K
    if hidden:
        with (tmp_path / "polis" / "participants-votes.csv").open(encoding="utf-8") as handle:
            written = {row["group-id"] for row in csv.DictReader(handle)}
        assert not {str(gid) for gid in hidden} & written


def test_analysis_json_has_no_members_or_size_of_a_hidden_group(tmp_path):
    snapshot = _consultation()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(snapshot, params=AnalysisParams(privacy_k=100))
    assert any(g.suppressed for g in result.groups)
    export_json(snapshot, tmp_path / "out", analysis=result.to_json(), privacy_k=K)
    published = json.loads((tmp_path / "out" / "analysis.json").read_bytes())
    for group in published["groups"]:
        if group["suppressed"]:
            assert (group["size"], group["participants"]) == (None, [])
        else:
            assert group["size"] == len(group["participants"]) > 0
