from __future__ import annotations

import json

import numpy as np
import pytest

from deliberate.analysis import AnalysisParams, AnalysisResult, analyse
from deliberate.analysis.result_json import canonical_number as _number
from deliberate.analysis.result_json import pairs_json
from deliberate.analysis.simulate import simulate_votes
from deliberate.errors import AnalysisError

CONTRACT_KEYS = {
    "schema",
    "input_digest",
    "seed",
    "version",
    "n_participants",
    "n_statements",
    "n_votes",
    "participants_in_analysis",
    "groups",
    "projection",
    "consensus",
    "bridging",
    "divisive",
    "minority_positions",
    "statements",
    "warnings",
}


@pytest.fixture(scope="module")
def result() -> AnalysisResult:
    snapshot, _ = simulate_votes(
        n_participants=150,
        n_statements=30,
        group_sizes=(0.6, 0.35, 0.05),
        density=0.5,
        noise=0.05,
        random_state=2,
    )
    return analyse(snapshot, params=AnalysisParams(seed=3))


def test_json_has_every_contract_field(result: AnalysisResult) -> None:
    document = json.loads(result.to_json())
    assert document.keys() >= CONTRACT_KEYS
    assert document["schema"] == "deliberate.analysis/1"
    assert document["input_digest"].startswith("sha256:")
    group = document["groups"][0]
    assert {"id", "size", "participants", "representative"} <= group.keys()
    statement = next(iter(document["statements"].values()))
    assert {"agree", "disagree", "pass", "by_group"} <= statement.keys()
    for entry in document["minority_positions"]:
        assert {
            "statement_id",
            "group_id",
            "group_agree",
            "others_agree",
            "support",
        } <= entry.keys()


def test_json_round_trips_byte_for_byte(result: AnalysisResult) -> None:
    data = result.to_json()
    assert AnalysisResult.from_json(data).to_json() == data
    assert b"NaN" not in data
    assert b"Infinity" not in data


def test_foreign_json_is_a_typed_error() -> None:
    with pytest.raises(AnalysisError):
        AnalysisResult.from_json(b'{"schema": "other"}')
    with pytest.raises(AnalysisError):
        AnalysisResult.from_json(b"not json")


def test_the_vectorised_rounding_is_pythons_round_bit_for_bit() -> None:
    rng = np.random.default_rng(1)
    halves = (rng.integers(-(10**7), 10**7, 20_000) + 0.5) / 1e6  # ties, after the product
    values = np.concatenate(
        [
            rng.normal(0, 1, 50_000),
            rng.normal(0, 1e-5, 5_000),
            halves,
            np.nextafter(halves, 9.0),
            np.nextafter(halves, -9.0),
            rng.normal(0, 1e4, 500),
            [0.0, -0.0, -1e-7, 1e-7, -4e-7, 5e-7, -5e-7, 2.5e-6, 1e300],
        ]
    )
    values = np.append(values, 0.0) if values.size % 2 else values
    pairs = values.reshape(-1, 2).tolist()
    written = json.loads(pairs_json({f"p{n:06d}": tuple(pair) for n, pair in enumerate(pairs)}))
    mine = np.array([written[f"p{n:06d}"] for n in range(len(pairs))]).ravel()
    theirs = np.array([_number(v) for v in values.tolist()])
    assert np.array_equal(mine.view(np.int64), theirs.view(np.int64))
    with pytest.raises(AnalysisError):
        pairs_json({"a": (0.5, float("nan"))})
