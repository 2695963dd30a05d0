"""Themes: a handful of labelled groups of statements, for the report and the facilitator console.

Statements are clustered with k-means on their embeddings (character n-grams when no embedder
is given). Each theme is labelled with c-TF-IDF: a word scores high when it is frequent
in the theme and rare in the other themes, so labels use the statements' own words.

A label must be true of what it stands over (:func:`described_themes`, on by default): the theme
is named by its main word, never a word every subject uses ("wijk", "straat", "zet"); a member
stays only when it uses that word (its first five letters, a crude Dutch lemma: "parkeren" and
"parkeerplaats" match); a theme is shown only when that holds for most of its members and at
least two; and when the themes left cover less than a third of the statements, there are none.
``benchmarks/themes.py`` measures this on a labelled Dutch set
(``tests/data/text/dutch_themes.tsv``); the numbers are in ``docs/text.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import silhouette_score

from deliberate.errors import InvalidInput
from deliberate.text.embedders import Embedder, check_texts, normalise_rows
from deliberate.text.lexical import LexicalEmbedder
from deliberate.text.stance import tokenize
from deliberate.text.vocabulary import DUTCH_STOP_WORDS

__all__ = [
    "MIN_COVERAGE",
    "MIN_DESCRIBED",
    "Theme",
    "described_themes",
    "extract_themes",
]

_MAX_AUTO_THEMES = 8
_KEYWORDS = 5
_LONGEST_WORD = 40
_LEMMA = 5  # letters that stand for a Dutch word's family: parkeren, parkeerplaats, parkeer
MIN_DESCRIBED = 0.5  # a theme's label must fit more than this share of its members
MIN_COVERAGE = 1 / 3  # fewer statements in true themes than this: no themes at all
# Words (by their first letters) that every municipal subject uses: never the name of a theme.
_GENERIC = frozenset(
    [
        "straa",
        "buurt",
        "wijk",
        "stad",
        "dorp",
        "centr",
        "gemee",
        "mense",
        "bewon",
        "plek",
        "plekk",
        "avond",
        "nacht",
        "weeke",
        "zomer",
        "ouder",
        "kinde",
        "beter",
        "veel",
        "elke",
        "eigen",
        "nieuw",
        "samen",
        "grote",
        "goed",
        "gratis",
        "mogen",
        "maken",
        "zorge",
        "vaker",
        "weini",
        "zet",
        "geef",
        "laat",
        "moete",
        "komen",
        "worde",
        "kunne",
        "hard",
        "snel",
    ]
)


@dataclass(frozen=True, slots=True)
class Theme:
    """A group of statements about one subject.

    Attributes
    ----------
    label : str
        Up to three keywords that several of its statements use, e.g.
        ``"parkeerplaatsen, centrum"``; ``"overig"`` when there are no content words.
    keywords : tuple of str
        Up to five words, most distinctive first.
    statement_ids : tuple of str
        Members, in input order.
    """

    label: str
    keywords: tuple[str, ...]
    statement_ids: tuple[str, ...]


def _words(text: str) -> list[str]:
    # Longer than any real Dutch compound: keyboard mashing, not a keyword.
    return [w for w in tokenize(text) if 2 < len(w) <= _LONGEST_WORD and w not in DUTCH_STOP_WORDS]


def _cluster(
    vectors: npt.NDArray[np.float32], n_themes: int | None, random_state: int
) -> npt.NDArray[np.intp]:
    n = len(vectors)
    if n_themes is not None:
        model = KMeans(n_clusters=n_themes, n_init=10, random_state=random_state)
        return np.asarray(model.fit_predict(vectors), dtype=np.intp)
    # A handful of themes: at least three statements per theme on average, at most eight.
    best: tuple[float, npt.NDArray[np.intp]] | None = None
    for k in range(2, min(_MAX_AUTO_THEMES, n // 3) + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(vectors)
        if len(np.unique(labels)) < 2:
            continue
        score = float(silhouette_score(vectors, labels, metric="cosine"))
        if best is None or score > best[0]:
            best = (score, np.asarray(labels, dtype=np.intp))
    return best[1] if best is not None else np.zeros(n, dtype=np.intp)


def _keywords(texts: list[str], labels: npt.NDArray[np.intp]) -> dict[int, list[tuple[str, int]]]:
    themes = sorted(set(labels.tolist()))
    try:
        # Binary per statement: a word counts once per statement, so a theme's keywords are
        # words that many of its statements use, not one statement's repeated word.
        vectorizer = CountVectorizer(analyzer=_words, binary=True)
        per_statement = vectorizer.fit_transform(texts)
    except ValueError:  # only stop words: nothing to label with
        return {theme: [] for theme in themes}
    vocabulary = vectorizer.get_feature_names_out()
    matrix = np.vstack(
        [np.asarray(per_statement[labels == theme].sum(axis=0)).ravel() for theme in themes]
    ).astype(np.float64)
    # c-TF-IDF: frequency within the theme, times log(1 + mean theme size / frequency overall).
    frequency = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1.0)
    idf = np.log1p(matrix.sum(axis=1).mean() / np.maximum(matrix.sum(axis=0), 1.0))
    weights = frequency * idf
    found: dict[int, list[tuple[str, int]]] = {}
    for row, theme in enumerate(themes):
        order = np.lexsort((vocabulary, -weights[row]))
        found[theme] = [
            (str(vocabulary[i]), int(matrix[row, i]))
            for i in order[:_KEYWORDS]
            if matrix[row, i] > 0
        ]
    return found


def _label(keywords: list[tuple[str, int]]) -> str:
    # Words shared by several statements describe the theme; a word from one statement does not.
    shared = [word for word, statements in keywords if statements > 1][:3]
    return ", ".join(shared or [word for word, _ in keywords[:1]]) or "overig"


def _lemmas(text: str) -> set[str]:
    return {word[:_LEMMA] for word in _words(text)}


def described_themes(
    themes: Sequence[Theme],
    statement_ids: Sequence[str],
    texts: Sequence[str],
    *,
    min_described: float = MIN_DESCRIBED,
    min_coverage: float = MIN_COVERAGE,
) -> list[Theme]:
    """Only what the labels truly describe (see the module docstring); may be empty."""
    lemmas = {str(i): _lemmas(text) for i, text in zip(statement_ids, texts, strict=True)}
    kept = []
    for theme in themes:
        # The theme's main word names it; a word that fits any subject ("wijk", "zet") does not.
        word = theme.keywords[0] if theme.keywords else ""
        if not word or word[:_LEMMA] in _GENERIC:
            continue
        members = tuple(i for i in theme.statement_ids if word[:_LEMMA] in lemmas.get(i, set()))
        if len(members) >= 2 and len(members) > min_described * len(theme.statement_ids):
            kept.append(Theme(word, theme.keywords, members))
    if sum(len(theme.statement_ids) for theme in kept) < min_coverage * len(statement_ids):
        return []
    return sorted(kept, key=lambda theme: (-len(theme.statement_ids), theme.label))


def extract_themes(
    statement_ids: Sequence[str],
    texts: Sequence[str],
    *,
    n_themes: int | None = None,
    embedder: Embedder | None = None,
    embeddings: npt.ArrayLike | None = None,
    random_state: int = 0,
    check: bool = True,
) -> list[Theme]:
    """Group statements into labelled themes whose labels are true of their members.

    Parameters
    ----------
    statement_ids, texts : sequence of str
        Same length.
    n_themes : int, optional
        Number of themes; by default chosen between 2 and 8 by silhouette score.
    embedder : Embedder, optional
        Embeds the texts; without one (and without ``embeddings``) the lexical embedder is used.
    embeddings : array-like of shape (n, dimension), optional
        Precomputed embeddings (for example from the embedding cache).
    random_state : int, default 0
        Seed of k-means; same input and seed, same themes.
    check : bool, default True
        Keep only what the labels describe (:func:`described_themes`); off gives every cluster.

    Returns
    -------
    list of Theme
        Largest theme first; possibly none. Unchecked, fewer than three statements give one theme.

    Examples
    --------
    >>> themes = extract_themes(
    ...     ["1", "2", "3", "4", "5", "6"],
    ...     ["Meer bomen in het park", "Het park moet groener met bomen",
    ...      "Bomen in het park zijn mooi", "De bus moet vaker rijden",
    ...      "Vaker een bus naar het station", "De bus naar het station is te duur"],
    ...     n_themes=2,
    ... )
    >>> sorted(theme.keywords[0] for theme in themes)
    ['bomen', 'bus']
    """
    ids = [str(statement_id) for statement_id in statement_ids]
    items = check_texts(texts)
    if len(ids) != len(items):
        raise InvalidInput("statement ids and texts must have the same length")
    if n_themes is not None and not 1 <= n_themes <= max(len(items), 1):
        raise InvalidInput(f"n_themes must lie between 1 and {len(items)}, got {n_themes}")
    if not items:
        return []
    if embeddings is not None:
        vectors = normalise_rows(embeddings)
        if len(vectors) != len(items):
            raise InvalidInput("there must be one embedding per text")
    elif embedder is not None:
        vectors = embedder.embed(items)
    else:
        # Character n-grams see that "parkeren" and "parkeerplaatsen" share a subject.
        vectors = LexicalEmbedder().embed(items)
    if len(items) < 3 and n_themes is None:
        labels = np.zeros(len(items), dtype=np.intp)
    else:
        labels = _cluster(vectors, n_themes, random_state)
    keywords = _keywords(items, labels)
    themes = [
        Theme(
            label=_label(keywords[theme]),
            keywords=tuple(word for word, _ in keywords[theme]),
            statement_ids=tuple(i for i, lab in zip(ids, labels, strict=True) if lab == theme),
        )
        for theme in sorted(keywords)
    ]
    themes.sort(key=lambda theme: (-len(theme.statement_ids), theme.label))
    return described_themes(themes, ids, items) if check else themes
