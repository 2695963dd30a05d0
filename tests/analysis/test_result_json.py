"""The fast writer of long pair mappings gives the general encoder's bytes, float for float."""

from __future__ import annotations

import json

import numpy as np
import pytest

from deliberate.analysis.result_json import canonical_number, pairs_json
from deliberate.errors import AnalysisError


def _general(mapping: dict[str, tuple[float, float]]) -> str:
    encoded = {k: [canonical_number(x), canonical_number(y)] for k, (x, y) in mapping.items()}
    return json.dumps(
        encoded, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )


def _hard_values(n: int, seed: int) -> np.ndarray:
    """Ordinary positions, ties at the 7th decimal, tiny and huge values, zeros, integers."""
    rng = np.random.default_rng(seed)
    parts = [
        rng.normal(0, 1, n),
        rng.normal(0, 1e-4, n),  # exponent notation below 1e-4
        rng.normal(0, 1e3, n),
        (rng.integers(-(10**7), 10**7, n) + 0.5) / 1e6,  # exact and near ties
        rng.integers(-200, 200, n) / 1e6,
        np.zeros(n),
        -np.zeros(n),
        rng.normal(0, 3e9, n),  # beyond the vectorised range
        rng.integers(-(10**4), 10**4, n) * 1.0,
        np.array([1e-4, -1e-4, 9.9e-5, 0.5e-6, -0.5e-6, 1.5e-6, 2.5e-6, 1e9, 999999999.9999995]),
    ]
    values = np.concatenate(parts)
    rng.shuffle(values)
    return values[: values.size // 2 * 2]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pairs_json_is_the_general_encoding(seed: int) -> None:
    values = _hard_values(3000, seed)
    keys = [f"p{i:06d}" if i % 3 else f"{i * 7919 % 100003:x}-é" for i in range(values.size // 2)]
    mapping = {
        k: (float(x), float(y)) for k, x, y in zip(keys, values[::2], values[1::2], strict=True)
    }
    assert pairs_json(mapping) == _general(mapping)


def test_pairs_json_declines_what_it_cannot_write_and_refuses_nan() -> None:
    assert pairs_json({}) == "{}"
    assert pairs_json({'a"b': (1.0, 2.0)}) is None  # a key that needs escaping
    assert pairs_json({"a": (1, 2.0)}) is None  # an int prints differently
    assert pairs_json({"a": (1.0, 2.0, 3.0)}) is None
    with pytest.raises(AnalysisError):
        pairs_json({"a": (float("nan"), 0.0)})
