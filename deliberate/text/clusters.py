"""Clusters of near-duplicates for moderators, and merge plans that keep votes attributable.

Connected components of the near-duplicate graph can chain ("A≈B≈C" while A and C differ), so
each component with more than two statements is split again by average-linkage clustering at
the same threshold: every statement in a cluster is, on average, a near-duplicate of the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform

from deliberate.errors import InvalidInput
from deliberate.text.calibration import duplicate_threshold
from deliberate.text.duplicates import find_duplicate_pairs
from deliberate.text.embedders import Embedder, check_texts
from deliberate.text.stance import stance_conflict

__all__ = ["DuplicateCluster", "StatementMerge", "duplicate_clusters", "plan_merge"]


@dataclass(frozen=True, slots=True)
class DuplicateCluster:
    """Statements that say the same thing.

    Attributes
    ----------
    statement_ids : tuple of str
        Members, the representative first, then in input order.
    representative_id : str
        The member most similar to the others: the natural one to keep.
    mean_score : float
        Mean pairwise cosine similarity within the cluster.
    """

    statement_ids: tuple[str, ...]
    representative_id: str
    mean_score: float


@dataclass(frozen=True, slots=True)
class StatementMerge:
    """A moderator's decision: ``merged_ids`` fold into ``kept_id``.

    The store records the mapping rather than moving votes, so each vote keeps the statement it
    was cast on and the report can still say where its support came from.
    """

    kept_id: str
    merged_ids: tuple[str, ...]


def duplicate_clusters(
    statement_ids: Sequence[str],
    texts: Sequence[str],
    embedder: Embedder,
    *,
    threshold: float | None = None,
    embeddings: npt.ArrayLike | None = None,
) -> list[DuplicateCluster]:
    """Group near-duplicate statements for a moderator to review and merge.

    Parameters
    ----------
    statement_ids, texts : sequence of str
        Same length.
    embedder : Embedder
    threshold : float, optional
        Overrides the embedder's calibrated threshold.
    embeddings : array-like of shape (n, dimension), optional
        Precomputed embeddings of ``texts`` (for example from the embedding cache).

    Returns
    -------
    list of DuplicateCluster
        Clusters of two or more statements, largest first; singletons are left out.
    """
    ids = [str(statement_id) for statement_id in statement_ids]
    items = check_texts(texts)
    if len(ids) != len(items):
        raise InvalidInput("statement ids and texts must have the same length")
    limit = duplicate_threshold(embedder.model_id) if threshold is None else threshold
    vectors = embedder.embed(items) if embeddings is None else np.asarray(embeddings, np.float32)
    pairs = find_duplicate_pairs(items, embedder, threshold=limit, embeddings=vectors)
    if not pairs:
        return []
    first, second, _ = zip(*pairs, strict=True)
    graph = coo_matrix((np.ones(len(pairs)), (first, second)), shape=(len(ids), len(ids)))
    _, component_of = connected_components(graph, directed=False)
    clusters: list[DuplicateCluster] = []
    for component in np.unique(component_of):
        members = np.flatnonzero(component_of == component)
        if len(members) < 2:
            continue
        for group in _split(members, vectors, items, limit):
            clusters.append(_describe(group, vectors, ids))
    clusters.sort(key=lambda cluster: (-len(cluster.statement_ids), cluster.statement_ids))
    return clusters


def _split(
    members: npt.NDArray[np.intp],
    vectors: npt.NDArray[np.float32],
    texts: list[str],
    limit: float,
) -> list[npt.NDArray[np.intp]]:
    if len(members) == 2:
        return [members]
    similarity = np.clip(vectors[members] @ vectors[members].T, -1.0, 1.0).astype(np.float64)
    for a in range(len(members)):
        for b in range(a + 1, len(members)):
            if stance_conflict(texts[members[a]], texts[members[b]]):
                # Opposed statements must never end up merged, however close their words.
                similarity[a, b] = similarity[b, a] = -1.0
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - limit, criterion="distance")
    return [members[labels == label] for label in np.unique(labels) if np.sum(labels == label) > 1]


def _describe(
    group: npt.NDArray[np.intp], vectors: npt.NDArray[np.float32], ids: list[str]
) -> DuplicateCluster:
    similarity = vectors[group] @ vectors[group].T
    size = len(group)
    mean_to_others = (similarity.sum(axis=1) - np.diag(similarity)) / (size - 1)
    best = int(np.argmax(mean_to_others))
    ordered = [ids[group[best]]] + [ids[row] for i, row in enumerate(group) if i != best]
    return DuplicateCluster(
        statement_ids=tuple(ordered),
        representative_id=ids[group[best]],
        mean_score=round(float(np.mean(mean_to_others)), 4),
    )


def plan_merge(cluster: DuplicateCluster, *, keep: str | None = None) -> StatementMerge:
    """Turn a cluster into a merge, keeping ``keep`` (default: the representative).

    Raises
    ------
    InvalidInput
        When ``keep`` is not a member of the cluster.
    """
    kept = cluster.representative_id if keep is None else keep
    if kept not in cluster.statement_ids:
        raise InvalidInput(f"statement {kept!r} is not in this cluster")
    merged = tuple(statement_id for statement_id in cluster.statement_ids if statement_id != kept)
    return StatementMerge(kept_id=kept, merged_ids=merged)
