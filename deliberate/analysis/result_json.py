"""Fast canonical JSON for the long mappings of an analysis result (map positions, axes).

:meth:`deliberate.analysis.AnalysisResult.to_json` writes every float rounded to
:data:`DECIMALS` decimals with Python's ``round`` and ``repr``. For a city consultation the map
holds 100,000 positions, and doing that one float at a time costs most of the encoding.
:func:`pairs_json` writes the same bytes with array operations:

* **Rounding.** ``rint(x · 10⁶)`` is the decimal Python's ``round(x, 6)`` picks, except where
  ``x · 10⁶`` lies within a rounding error of a tie; those few are rounded by Python itself.
* **Digits.** The double nearest to ``k / 10⁶`` prints (``repr``, the shortest string that
  reads back) as the digits of ``k / 10⁶`` without trailing zeros, because below 10⁹ no other
  decimal of at most six places lies within half a unit in the last place. Python switches to
  exponent notation below 10⁻⁴ (``5e-05``); those, and anything of 10⁹ or more, are printed by
  Python too. Zero (and minus zero) is ``0.0``.

Keys must need no escaping (no quote, backslash or control character); otherwise, or when a
value is not a pair of floats, the caller falls back to the general encoder (``None``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deliberate.errors import AnalysisError

__all__ = ["DECIMALS", "canonical_number", "pairs_json"]

DECIMALS = 6
_SCALE = 10.0**DECIMALS
_LIMIT = 1e9  # larger magnitudes are printed by Python (see the module docstring)
_INT_DIGITS = 10  # digits of the integer part below _LIMIT, with room to spare
_END = 1 + _INT_DIGITS + 1 + DECIMALS  # sign, integer digits, point, decimals
_WIDTH = 24  # the longest repr of a float: -1.2345678901234567e-300


def canonical_number(value: float) -> float:
    """A float as the canonical JSON holds it: rounded to :data:`DECIMALS`, no ``-0.0``."""
    if not math.isfinite(value):
        raise AnalysisError("The analysis produced a non-finite number; this is a bug.")
    rounded = round(float(value), DECIMALS)
    return 0.0 if rounded == 0 else rounded


def _digits(values: NDArray[np.float64]) -> tuple[NDArray[np.uint8], NDArray[np.bool_]]:
    """Each value's canonical text as a row of bytes, with the mask of the bytes in use."""
    if not np.isfinite(values).all():
        raise AnalysisError("The analysis produced a non-finite number; this is a bug.")
    scaled = values * _SCALE
    units = np.rint(scaled)
    # Near a tie the product's rounding error can decide the side: let Python round those.
    tie = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) <= 4 * np.spacing(np.abs(scaled))
    python = tie | (np.abs(values) >= _LIMIT)
    units[python] = 0.0
    exact = units.astype(np.int64)
    magnitude = np.abs(exact)
    python |= (magnitude > 0) & (magnitude < 100)  # below 10⁻⁴: exponent notation
    whole, part = np.divmod(magnitude, np.int64(_SCALE))
    n = values.size
    width = _WIDTH
    chars = np.zeros((n, width), dtype=np.uint8)
    keep = np.zeros((n, width), dtype=bool)
    chars[:, 0] = ord("-")
    keep[:, 0] = exact < 0
    powers = 10 ** np.arange(_INT_DIGITS - 1, -1, -1, dtype=np.int64)
    int_digits = (whole[:, None] // powers) % 10
    chars[:, 1 : 1 + _INT_DIGITS] = int_digits + ord("0")
    length = np.maximum(np.floor(np.log10(np.maximum(whole, 1))).astype(np.int64) + 1, 1)
    keep[:, 1 : 1 + _INT_DIGITS] = (
        np.arange(_INT_DIGITS)[None, :] >= (_INT_DIGITS - length)[:, None]
    )
    chars[:, 1 + _INT_DIGITS] = ord(".")
    keep[:, 1 + _INT_DIGITS] = True
    fraction = 10 ** np.arange(DECIMALS - 1, -1, -1, dtype=np.int64)
    frac_digits = (part[:, None] // fraction) % 10
    chars[:, 2 + _INT_DIGITS : _END] = frac_digits + ord("0")
    # Significant decimals: up to the last non-zero one, at least one.
    nonzero = frac_digits != 0
    last = np.where(nonzero.any(axis=1), DECIMALS - np.argmax(nonzero[:, ::-1], axis=1), 1)
    keep[:, 2 + _INT_DIGITS : _END] = np.arange(DECIMALS)[None, :] < last[:, None]
    for i in np.flatnonzero(python).tolist():
        text = repr(canonical_number(float(values[i]))).encode("ascii")
        chars[i, :] = 0
        chars[i, : len(text)] = np.frombuffer(text, dtype=np.uint8)
        keep[i, :] = False
        keep[i, : len(text)] = True
    return chars, keep


def pairs_json(mapping: Mapping[str, Any]) -> str | None:
    """The canonical JSON object of ``mapping`` (str → pair of floats), keys sorted.

    Byte for byte what ``json.dumps`` writes for the general encoder's output; ``None`` when the
    mapping is not of that shape or a key would need escaping.
    """
    if not mapping:
        return "{}"
    keys, pairs = list(mapping), list(mapping.values())
    # Only str keys and (float, float) tuples, checked without a Python call per item.
    if set(map(type, keys)) != {str} or set(map(type, pairs)) != {tuple}:
        return None
    if set(map(len, pairs)) != {2} or set(map(type, chain.from_iterable(pairs))) != {float}:
        return None
    joined = "".join(keys)
    if '"' in joined or "\\" in joined or not joined.isprintable():
        return None  # a quote, backslash or control character needs escaping
    n = len(keys)
    values = np.fromiter(chain.from_iterable(pairs), np.float64, 2 * n).reshape(n, 2)
    # UTF-8 bytes sort in code point order, as Python sorts str; no key holds a NUL byte.
    if joined.isascii():
        names = np.array(keys, dtype=np.bytes_)
    else:
        names = np.array([key.encode("utf-8") for key in keys], dtype=np.bytes_)
    order = np.argsort(names, kind="stable")
    values = values[order]
    width = names.dtype.itemsize
    key_block = names[order].view(np.uint8).reshape(n, width)
    key_keep = key_block != 0
    x_chars, x_keep = _digits(values[:, 0])
    y_chars, y_keep = _digits(values[:, 1])

    def fixed(text: bytes) -> tuple[NDArray[np.uint8], NDArray[np.bool_]]:
        row = np.frombuffer(text, dtype=np.uint8)
        return np.broadcast_to(row, (n, row.size)), np.ones((n, row.size), dtype=bool)

    blocks = [
        fixed(b'"'),
        (key_block, key_keep),
        fixed(b'":['),
        (x_chars, x_keep),
        fixed(b","),
        (y_chars, y_keep),
        fixed(b"],"),
    ]
    chars = np.concatenate([c for c, _ in blocks], axis=1)
    keep = np.concatenate([k for _, k in blocks], axis=1)
    body: bytes = chars[keep].tobytes()[:-1]  # without the last comma
    return "{" + body.decode("utf-8") + "}"
