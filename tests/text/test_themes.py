"""Themes: labelled groups of statements, labels in the statements' own words."""

from __future__ import annotations

import pytest

from deliberate.errors import InvalidInput
from deliberate.text import CombinedEmbedder, Theme, extract_themes
from deliberate.text.themes import described_themes
from deliberate.text.vocabulary import DUTCH_STOP_WORDS

TOPICS = {
    "parkeren": [
        "Er moeten meer parkeerplaatsen komen in het centrum.",
        "Parkeren in het centrum moet gratis worden.",
        "De parkeervergunning voor bewoners is te duur.",
        "Bij het station zijn te weinig parkeerplaatsen.",
        "Parkeren op de stoep moet beboet worden.",
    ],
    "bus": [
        "De bus naar het ziekenhuis moet vaker rijden.",
        "De buurtbus moet ook op zondag rijden.",
        "De bushalte moet dichter bij het verzorgingshuis komen.",
        "Busvervoer moet gratis zijn voor 65-plussers.",
        "De bus rijdt 's avonds te weinig.",
    ],
    "bomen": [
        "De gemeente moet meer bomen planten in de wijk.",
        "Oude bomen in het park mogen niet gekapt worden.",
        "Langs de wandelroutes moeten meer bomen komen.",
        "Bomen geven schaduw op warme dagen.",
        "Plant bomen op de schoolpleinen.",
    ],
}


def _statements() -> tuple[list[str], list[str], dict[str, str]]:
    ids, texts, topic_of = [], [], {}
    for topic, items in TOPICS.items():
        for n, text in enumerate(items):
            statement_id = f"{topic}-{n}"
            ids.append(statement_id)
            texts.append(text)
            topic_of[statement_id] = topic
    return ids, texts, topic_of


@pytest.mark.parametrize("use_embedder", [False, True])
def test_themes_recover_topics_with_their_own_words(
    default_embedder: CombinedEmbedder, use_embedder: bool
) -> None:
    ids, texts, topic_of = _statements()
    embedder = default_embedder if use_embedder else None
    themes = extract_themes(ids, texts, n_themes=3, embedder=embedder, random_state=0, check=False)
    assert len(themes) == 3
    assert sorted(statement_id for theme in themes for statement_id in theme.statement_ids) == (
        sorted(ids)
    )
    vocabulary = {word for text in texts for word in text.lower().replace(".", " ").split()}
    pure = 0
    for theme in themes:
        topics = {topic_of[statement_id] for statement_id in theme.statement_ids}
        pure += len(topics) == 1
        assert theme.keywords
        assert theme.label.split(", ")[0] == theme.keywords[0]
        assert set(theme.label.split(", ")) <= set(theme.keywords)
        assert set(theme.keywords) <= vocabulary
        assert not set(theme.keywords) & DUTCH_STOP_WORDS
    assert pure >= 2


def test_theme_count_is_chosen_when_not_given() -> None:
    ids, texts, _ = _statements()
    themes = extract_themes(ids, texts, random_state=0, check=False)
    assert 2 <= len(themes) <= 5
    assert all(isinstance(theme, Theme) for theme in themes)


def test_same_seed_same_themes() -> None:
    ids, texts, _ = _statements()
    assert extract_themes(ids, texts, random_state=3) == extract_themes(ids, texts, random_state=3)


def test_small_inputs() -> None:
    assert extract_themes([], []) == []
    (single,) = extract_themes(["1", "2"], ["Meer bomen in het park", "Bomen in het park"])
    assert single.statement_ids == ("1", "2")
    assert "bomen" in single.keywords
    (only_stop_words,) = extract_themes(["1"], ["Wat is dat?"], check=False)
    assert only_stop_words.label == "overig"
    assert extract_themes(["1"], ["Wat is dat?"]) == [], "'overig' describes nothing"


def test_a_theme_is_shown_only_where_its_label_describes_its_members() -> None:
    ids, texts, _ = _statements()
    themes = extract_themes(ids, texts, random_state=0)
    assert themes
    text_of = dict(zip(ids, texts, strict=True))
    for theme in themes:
        stems = {word[:5] for word in theme.label.split(", ")}
        for statement_id in theme.statement_ids:
            assert stems & {w.lower()[:5] for w in text_of[statement_id].split()}, theme
    # The demo's "Aed" theme: one AED statement, the rest about a garage, tiles and a garden.
    wrong = Theme(
        "aed",
        ("aed", "garage", "tegels"),
        ("1", "2", "3", "4"),
    )
    found = described_themes(
        [wrong],
        ["1", "2", "3", "4"],
        [
            "Een AED bij het buurthuis.",
            "De parkeergarage moet open blijven.",
            "Minder tegels in de tuinen.",
            "Een moestuin voor de buurt.",
        ],
    )
    assert found == []


@pytest.mark.parametrize(
    ("ids", "texts", "n_themes"),
    [(["1"], ["a", "b"], None), (["1", "2"], ["a", "b"], 3), (["1", "2"], ["a", "b"], 0)],
)
def test_bad_input_is_a_typed_error(ids: list[str], texts: list[str], n_themes: int | None) -> None:
    with pytest.raises(InvalidInput):
        extract_themes(ids, texts, n_themes=n_themes)


def test_keywords_skip_absurdly_long_words() -> None:
    texts = ["a" * 500 + " bomen", "Meer bomen", "Bomen in het park"]
    (theme,) = extract_themes(["1", "2", "3"], texts, n_themes=1)
    assert all(len(word) <= 40 for word in theme.keywords)
    assert theme.label == "bomen"
