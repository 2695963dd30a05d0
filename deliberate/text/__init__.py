"""Text understanding: embeddings, near-duplicate statements and themes, good in Dutch.

See ``docs/text.md`` for how models are resolved and how the duplicate threshold was chosen.
"""

from __future__ import annotations

from deliberate.text.cache import (
    EmbeddingCache,
    FileEmbeddingCache,
    MemoryEmbeddingCache,
    embed_cached,
    text_key,
)
from deliberate.text.calibration import duplicate_threshold
from deliberate.text.clusters import (
    DuplicateCluster,
    StatementMerge,
    duplicate_clusters,
    plan_merge,
)
from deliberate.text.duplicates import Match, NearDuplicateIndex, find_duplicate_pairs
from deliberate.text.embedders import (
    CombinedEmbedder,
    Embedder,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
)
from deliberate.text.lexical import LexicalEmbedder
from deliberate.text.registry import (
    EnglishModelWarning,
    LexicalFallbackWarning,
    ModelCard,
    ModelWarning,
    resolve_embedder,
)
from deliberate.text.stance import stance_conflict
from deliberate.text.themes import Theme, extract_themes

__all__ = [
    "CombinedEmbedder",
    "DuplicateCluster",
    "Embedder",
    "EmbeddingCache",
    "EnglishModelWarning",
    "FileEmbeddingCache",
    "LexicalEmbedder",
    "LexicalFallbackWarning",
    "Match",
    "MemoryEmbeddingCache",
    "ModelCard",
    "ModelWarning",
    "NearDuplicateIndex",
    "SentenceTransformerEmbedder",
    "StatementMerge",
    "Theme",
    "UniversalSentenceEncoderEmbedder",
    "duplicate_clusters",
    "duplicate_threshold",
    "embed_cached",
    "extract_themes",
    "find_duplicate_pairs",
    "plan_merge",
    "resolve_embedder",
    "stance_conflict",
    "text_key",
]
