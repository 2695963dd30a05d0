"""Similar statements shown before a participant submits a new one.

Uses :class:`deliberate.text.duplicates.NearDuplicateIndex` over the statements participants can
see, with the always-available lexical embedder so that the check stays well under 100 ms and
needs no model in memory per worker. One index per consultation is cached and rebuilt only when
the set of visible statements changes. When the text package is not installed the check is
skipped: submitting still works and the service still refuses exact duplicates.
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Any

from deliberate.domain.statements import Statement
from deliberate.errors import DeliberateError

__all__ = ["MIN_SCORE", "SimilarStatements"]

MIN_SCORE = 0.5
_log = logging.getLogger("web.similarity")


class SimilarStatements:
    """A cache of near-duplicate indexes, one per consultation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._indexes: dict[str, tuple[frozenset[str], Any]] = {}
        self._embedder: Any = None
        self.available = True

    def _new_index(self) -> Any:
        if self._embedder is None:
            lexical = importlib.import_module("deliberate.text.lexical")
            self._embedder = lexical.LexicalEmbedder()
        duplicates = importlib.import_module("deliberate.text.duplicates")
        return duplicates.NearDuplicateIndex(self._embedder)

    def similar(
        self, consultation_id: str, statements: list[Statement], text: str, k: int = 3
    ) -> list[tuple[Statement, float]]:
        """Up to ``k`` of ``statements`` similar to ``text``, best first, with their score."""
        if not self.available or not statements or not text.strip():
            return []
        by_id = {s.statement_id: s for s in statements}
        key = frozenset(by_id)
        try:
            with self._lock:
                cached = self._indexes.get(consultation_id)
                if cached is None or cached[0] != key:
                    index = self._new_index()
                    index.add(list(by_id), [s.text for s in by_id.values()])
                    self._indexes[consultation_id] = (key, index)
                else:
                    index = cached[1]
                matches = index.similar(text, k)
        except ImportError:
            self.available = False
            _log.info("near-duplicate detection is not installed; similar statements not shown")
            return []
        except DeliberateError as error:
            _log.warning("similar statements skipped: %s", error)
            return []
        found = []
        for match in matches:
            statement = by_id.get(str(match.statement_id))
            if statement is not None and (match.score >= MIN_SCORE or match.duplicate):
                found.append((statement, float(match.score)))
        return found
