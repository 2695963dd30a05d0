"""Embedding caches: each statement is embedded once per model, also across restarts.

:class:`EmbeddingCache` has exactly the shape of the store's ``get_embeddings`` /
``put_embeddings`` methods, so the store satisfies it structurally. Two more implementations
live here: :class:`MemoryEmbeddingCache` (tests, short-lived work) and
:class:`FileEmbeddingCache`, a SQLite file for the command line.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from deliberate.errors import InvalidInput, Unavailable
from deliberate.text.embedders import Embedder, FloatMatrix, check_texts

__all__ = [
    "EmbeddingCache",
    "FileEmbeddingCache",
    "MemoryEmbeddingCache",
    "embed_cached",
    "text_key",
]


@runtime_checkable
class EmbeddingCache(Protocol):
    """Embeddings as float32 bytes, keyed by model and statement id."""

    def get_embeddings(self, model_id: str, statement_ids: Sequence[str]) -> dict[str, bytes]:
        """The stored embeddings among ``statement_ids``; missing ids are left out."""
        ...

    def put_embeddings(self, model_id: str, items: Mapping[str, bytes]) -> None:
        """Store (or overwrite) embeddings."""
        ...


class MemoryEmbeddingCache:
    """An :class:`EmbeddingCache` in a dict; gone when the process ends."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], bytes] = {}

    def get_embeddings(self, model_id: str, statement_ids: Sequence[str]) -> dict[str, bytes]:
        """See :meth:`EmbeddingCache.get_embeddings`."""
        found = ((i, self._items.get((model_id, i))) for i in statement_ids)
        return {statement_id: blob for statement_id, blob in found if blob is not None}

    def put_embeddings(self, model_id: str, items: Mapping[str, bytes]) -> None:
        """See :meth:`EmbeddingCache.put_embeddings`."""
        for statement_id, blob in items.items():
            self._items[model_id, statement_id] = bytes(blob)


class FileEmbeddingCache:
    """An :class:`EmbeddingCache` in one SQLite file (created on first use).

    Parameters
    ----------
    path : Path
        The database file, for example ``~/.cache/deliberate/embeddings.sqlite``.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as connection:
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS embedding (model_id TEXT NOT NULL, "
                    "statement_id TEXT NOT NULL, vector BLOB NOT NULL, "
                    "PRIMARY KEY (model_id, statement_id))"
                )
        except (OSError, sqlite3.Error) as error:
            raise Unavailable(f"cannot open the embedding cache at {self.path}") from error

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def get_embeddings(self, model_id: str, statement_ids: Sequence[str]) -> dict[str, bytes]:
        """See :meth:`EmbeddingCache.get_embeddings`."""
        wanted = list(dict.fromkeys(statement_ids))
        found: dict[str, bytes] = {}
        with self._connect() as connection:
            # SQLite limits bound parameters per statement; 500 stays well inside every build.
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(
                    "SELECT statement_id, vector FROM embedding "  # noqa: S608 - marks are "?"
                    f"WHERE model_id = ? AND statement_id IN ({marks})",
                    [model_id, *chunk],
                )
                found.update((statement_id, bytes(vector)) for statement_id, vector in rows)
        return found

    def put_embeddings(self, model_id: str, items: Mapping[str, bytes]) -> None:
        """See :meth:`EmbeddingCache.put_embeddings`."""
        with self._connect() as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO embedding (model_id, statement_id, vector) "
                "VALUES (?, ?, ?)",
                [(model_id, statement_id, bytes(blob)) for statement_id, blob in items.items()],
            )


def text_key(text: str) -> str:
    """A statement id for texts that have none (command-line input): a hash of the text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def embed_cached(
    embedder: Embedder,
    cache: EmbeddingCache,
    statement_ids: Sequence[str],
    texts: Sequence[str],
) -> FloatMatrix:
    """Embeddings of ``texts``, computing only those the cache does not hold yet.

    Parameters
    ----------
    embedder : Embedder
    cache : EmbeddingCache
        Read first, then filled with whatever had to be computed.
    statement_ids, texts : sequence of str
        Same length; an id always names the same text (edit a statement, give it a new id or
        drop its cached embedding).

    Returns
    -------
    ndarray of shape (len(texts), embedder.dimension), float32
    """
    items = check_texts(texts)
    ids = [str(statement_id) for statement_id in statement_ids]
    if len(ids) != len(items):
        raise InvalidInput("statement ids and texts must have the same length")
    vectors = np.zeros((len(items), embedder.dimension), dtype=np.float32)
    stored = cache.get_embeddings(embedder.model_id, ids)
    missing: list[int] = []
    for position, statement_id in enumerate(ids):
        blob = stored.get(statement_id)
        vector = None if blob is None else np.frombuffer(blob, dtype=np.float32)
        if vector is None or vector.shape != (embedder.dimension,):
            missing.append(position)  # absent, or written by another build of the model
        else:
            vectors[position] = vector
    if missing:
        computed = embedder.embed([items[position] for position in missing])
        vectors[missing] = computed
        cache.put_embeddings(
            embedder.model_id,
            {ids[position]: computed[n].tobytes() for n, position in enumerate(missing)},
        )
    return vectors
