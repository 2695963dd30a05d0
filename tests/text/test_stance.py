"""The stance rule: opposite sides are never near-duplicates."""

from __future__ import annotations

import pytest

from deliberate.text.stance import stance_conflict, stance_signature, tokenize


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Er moeten meer parkeerplaatsen komen.", "Er moeten minder parkeerplaatsen komen."),
        ("Ik ben voor windmolens.", "Ik ben tegen windmolens."),
        ("Het park is veilig.", "Het park is onveilig."),
        ("Er moet meer politie komen.", "Er hoeft niet meer politie te komen."),
        ("Ik wil wel een hondenveld.", "Ik wil geen hondenveld."),
        ("Terrassen mogen langer open blijven.", "Terrassen moeten eerder dicht."),
        ("Er zijn genoeg speelplekken.", "Er zijn te weinig speelplekken."),
        ("Parkeren moet gratis worden.", "Parkeren moet duurder worden."),
    ],
)
def test_opposite_sides_conflict(first: str, second: str) -> None:
    assert stance_conflict(first, second)
    assert stance_conflict(second, first)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("De bibliotheek moet blijven.", "Sluit de bibliotheek niet."),
        ("Het zwembad moet open blijven.", "Het zwembad mag niet dicht."),
        ("Ik wil geen windmolens bij huizen.", "Windmolens horen niet bij huizen."),
        ("Er moeten meer speelplekken komen.", "Er zijn te weinig speelplekken."),
        ("Meer onderhoud van het park.", "Meer onderhoud in het park."),
        ("Parkeren moet gratis worden.", "Je hoeft niet meer te betalen voor parkeren."),
    ],
)
def test_same_side_does_not_conflict(first: str, second: str) -> None:
    assert not stance_conflict(first, second)


def test_signatures_can_be_reused() -> None:
    signature = stance_signature("Er moeten meer bomen komen.")
    assert signature.poles == {"amount": 1}
    assert signature.negations == 0
    assert stance_conflict(signature, "Er moeten minder bomen komen.")


def test_tokenize_drops_digits_and_punctuation() -> None:
    assert tokenize("30-kilometerzone, nú!") == ["kilometerzone", "nú"]


def test_rule_on_the_evaluation_set(pairs: list[tuple[str, int, str, str]]) -> None:
    """Most opposite-stance pairs are caught; few true paraphrases are vetoed (docs/text.md)."""
    stance = [(a, b) for kind, _, a, b in pairs if kind == "stance"]
    paraphrase = [(a, b) for kind, _, a, b in pairs if kind == "paraphrase"]
    caught = sum(stance_conflict(a, b) for a, b in stance)
    vetoed = sum(stance_conflict(a, b) for a, b in paraphrase)
    assert caught / len(stance) >= 0.85, f"{caught}/{len(stance)} stance pairs caught"
    assert vetoed / len(paraphrase) <= 0.15, f"{vetoed}/{len(paraphrase)} paraphrases vetoed"
