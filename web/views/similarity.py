"""Similar statements shown before a participant submits a new one.

The check uses the best embedder this machine has (:func:`deliberate.text.resolve_embedder`,
by default a Dutch-capable multilingual encoder combined with character n-grams) and that
model's calibrated duplicate threshold, so a paraphrase is shown while a statement that says the
opposite is not flagged. Loading the model takes seconds, so it happens lazily in a background
thread; until it is ready the lexical embedder answers. Each consultation keeps one in-memory
:class:`~deliberate.text.duplicates.NearDuplicateIndex` that is updated incrementally (new
statements added, rejected or erased ones removed) rather than rebuilt, and statement
embeddings go through the store's embedding cache so a restart does not embed them again.
"""

from __future__ import annotations

import logging
import threading
import warnings
from dataclasses import dataclass

from deliberate.config import Settings
from deliberate.domain.statements import Statement
from deliberate.errors import DeliberateError
from deliberate.text import (
    Embedder,
    EmbeddingCache,
    LexicalEmbedder,
    NearDuplicateIndex,
    embed_cached,
    resolve_embedder,
)

__all__ = ["SimilarStatements"]

_log = logging.getLogger("web.similarity")


@dataclass
class _Entry:
    """One consultation's index and the statement ids it holds."""

    index: NearDuplicateIndex
    ids: set[str]


class SimilarStatements:
    """Near-duplicate indexes, one per consultation, on the best embedder available.

    Parameters
    ----------
    settings : Settings
        ``embedding_model`` and ``models_dir`` choose the model.
    cache : EmbeddingCache
        Where statement embeddings are kept between restarts (the store).
    load_model : bool, default True
        Load the good embedder in the background; ``False`` keeps the lexical one.
    """

    def __init__(self, settings: Settings, cache: EmbeddingCache, *, load_model: bool = True):
        self.settings = settings
        self.cache = cache
        self.load_model = load_model
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._embedder: Embedder = LexicalEmbedder()
        self._ready = threading.Event()
        self._loader: threading.Thread | None = None
        if not load_model:
            self._ready.set()

    @property
    def model_id(self) -> str:
        """The id of the embedder answering now."""
        return self._embedder.model_id

    @property
    def embedder(self) -> Embedder:
        """The embedder answering now (lexical until the good one has loaded)."""
        return self._embedder

    def start_loading(self) -> None:
        """Start loading the good embedder in a background thread (once)."""
        with self._lock:
            if self._loader is not None or self._ready.is_set():
                return
            self._loader = threading.Thread(target=self._load, name="similarity-model", daemon=True)
            self._loader.start()

    def wait_until_ready(self, timeout: float | None = None) -> bool:
        """Block until the good embedder is loaded (or failed); ``True`` when done."""
        self.start_loading()
        return self._ready.wait(timeout)

    def _load(self) -> None:
        try:
            with warnings.catch_warnings(record=True) as caught:
                # A fallback model is a fact to log here, not an error for a request to see.
                warnings.simplefilter("always")
                embedder = resolve_embedder(self.settings)
            for warning in caught:
                _log.warning("similar statements: %s", warning.message)
        except DeliberateError as error:
            _log.warning("similar statements keep the lexical embedder: %s", error)
            self._ready.set()
            return
        with self._lock:
            self._embedder = embedder
            self._entries.clear()  # vectors of another model are not comparable
        _log.info("similar statements use %s", embedder.model_id)
        self._ready.set()

    def _entry(self, consultation_id: str, statements: list[Statement]) -> _Entry:
        """The consultation's index brought up to date with ``statements``."""
        entry = self._entries.get(consultation_id)
        if entry is None:
            entry = _Entry(NearDuplicateIndex(self._embedder), set())
            self._entries[consultation_id] = entry
        wanted = {s.statement_id: s for s in statements}
        gone = entry.ids - wanted.keys()
        if gone:
            entry.index.remove(sorted(gone))
        new = [s for s in statements if s.statement_id not in entry.ids]
        if new:
            ids = [s.statement_id for s in new]
            texts = [s.text for s in new]
            vectors = embed_cached(entry.index.embedder, self.cache, ids, texts)
            entry.index.add(ids, texts, embeddings=vectors)
        entry.ids = set(wanted)
        return entry

    def similar(
        self, consultation_id: str, statements: list[Statement], text: str, k: int = 3
    ) -> list[tuple[Statement, float]]:
        """Up to ``k`` of ``statements`` that say the same as ``text``, best first, with score.

        Only matches at or above the model's calibrated threshold that do not take the
        opposite stance are returned.
        """
        if self.load_model:
            self.start_loading()
        if not statements or not text.strip():
            return []
        by_id = {s.statement_id: s for s in statements}
        try:
            with self._lock:
                matches = self._entry(consultation_id, statements).index.similar(text, k)
        except DeliberateError as error:
            _log.warning("similar statements skipped: %s", error)
            return []
        return [
            (by_id[match.statement_id], float(match.score))
            for match in matches
            if match.duplicate and match.statement_id in by_id
        ]
