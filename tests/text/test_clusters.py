"""Duplicate clusters for moderators and the merge plans built from them."""

from __future__ import annotations

import pytest

from deliberate.errors import InvalidInput
from deliberate.text import (
    CombinedEmbedder,
    DuplicateCluster,
    LexicalEmbedder,
    StatementMerge,
    duplicate_clusters,
    plan_merge,
)

TEXTS = {
    "a": "Er moeten meer bomen komen in de wijk.",
    "b": "Er moeten meer bomen in de wijk komen!",
    "c": "Er moeten meer bomen komen in onze wijk.",
    "d": "Er moeten minder bomen komen in de wijk.",
    "e": "De bus naar het ziekenhuis moet vaker rijden.",
    "f": "Ik wil dat er meer bussen naar het ziekenhuis gaan.",
    "g": "Het park moet 's avonds beter verlicht worden.",
}


def test_clusters_group_duplicates_and_keep_opposites_apart(
    default_embedder: CombinedEmbedder,
) -> None:
    clusters = duplicate_clusters(list(TEXTS), list(TEXTS.values()), default_embedder)
    groups = [set(cluster.statement_ids) for cluster in clusters]
    assert groups == [{"a", "b", "c"}, {"e", "f"}]
    first = clusters[0]
    assert first.statement_ids[0] == first.representative_id
    assert 0.0 < first.mean_score <= 1.0


def test_chains_are_split_by_average_linkage(lexical: LexicalEmbedder) -> None:
    # Each text is close to the next, but the ends are far apart.
    chain = [
        "parkeerplaatsen centrum",
        "parkeerplaatsen centrum station",
        "centrum station fietsenstalling",
        "station fietsenstalling overdekt",
        "fietsenstalling overdekt bewaakt",
    ]
    ids = [str(n) for n in range(len(chain))]
    clusters = duplicate_clusters(ids, chain, lexical, threshold=0.3)
    assert clusters, "the neighbours should be near-duplicates at this threshold"
    assert all(len(cluster.statement_ids) < len(chain) for cluster in clusters)


def test_no_duplicates_gives_no_clusters(lexical: LexicalEmbedder) -> None:
    assert duplicate_clusters(["a", "b"], ["Meer bomen", "Vaker de bus"], lexical) == []
    assert duplicate_clusters([], [], lexical) == []


def test_ids_and_texts_must_pair_up(lexical: LexicalEmbedder) -> None:
    with pytest.raises(InvalidInput):
        duplicate_clusters(["a"], ["x", "y"], lexical)


def test_plan_merge_keeps_the_representative_by_default() -> None:
    cluster = DuplicateCluster(("b", "a", "c"), "b", 0.9)
    assert plan_merge(cluster) == StatementMerge("b", ("a", "c"))
    assert plan_merge(cluster, keep="c") == StatementMerge("c", ("b", "a"))
    with pytest.raises(InvalidInput):
        plan_merge(cluster, keep="z")
