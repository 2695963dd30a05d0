"""Stance: do two statements on the same subject take opposite sides?

Embedding models place "meer parkeerplaatsen" and "minder parkeerplaatsen" close together: the
words and the subject are the same. For near-duplicate detection that is the worst possible
mistake, because merging them would silence one side. :func:`stance_conflict` is a small,
transparent rule on top of the embedding score; it counts the *flips* between two texts:

- a different parity of negators (``niet``, ``geen``, ``nooit`` …);
- opposite poles on an axis that both texts mention (``meer``/``minder``, ``open``/``dicht`` …),
  or an adjective in one text and its ``on-`` form in the other (``veilig``/``onveilig``).

An odd number of flips means the texts disagree ("sluit de bibliotheek niet" has two flips
against "de bibliotheek moet blijven": a negator and the keep/close axis, so they agree).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from deliberate.text.vocabulary import NEGATORS, STANCE_AXES, STANCE_PHRASES

__all__ = ["StanceSignature", "stance_conflict", "stance_signature", "tokenize"]

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_POLE_OF = {
    word: (axis, sign) for axis, poles in STANCE_AXES.items() for word, sign in poles.items()
}


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens; digits and punctuation are dropped.

    >>> tokenize("Meer bomen in de Dorpsstraat, graag!")
    ['meer', 'bomen', 'in', 'de', 'dorpsstraat', 'graag']
    """
    return _WORD.findall(text.casefold())


@dataclass(frozen=True, slots=True)
class StanceSignature:
    """What :func:`stance_conflict` needs to know about one text.

    Attributes
    ----------
    negations : int
        Number of negators in the text.
    poles : dict[str, int]
        For each stance axis the text mentions, the sign of the pole it takes (+1 or -1).
    words : frozenset[str]
        The text's tokens, used to find ``on-`` antonyms against another text.
    """

    negations: int
    poles: dict[str, int]
    words: frozenset[str]


def stance_signature(text: str) -> StanceSignature:
    """Compute the :class:`StanceSignature` of ``text`` (cheap: one regex pass)."""
    tokens = tokenize(text)
    poles: dict[str, int] = {}
    for token in tokens:
        if token in _POLE_OF:
            axis, sign = _POLE_OF[token]
            poles.setdefault(axis, sign)
    for first, second in itertools.pairwise(tokens):
        if (first, second) in STANCE_PHRASES:
            axis, sign = STANCE_PHRASES[first, second]
            poles.setdefault(axis, sign)
    negations = sum(token in NEGATORS for token in tokens)
    return StanceSignature(negations=negations, poles=poles, words=frozenset(tokens))


def _flips(first: StanceSignature, second: StanceSignature) -> int:
    flips = int(first.negations % 2 != second.negations % 2)
    # Opposite poles count as one flip however many axes show them: "langer open" against
    # "eerder dicht" is one disagreement said twice, not a double negation.
    opposed = any(
        axis in second.poles and second.poles[axis] != sign for axis, sign in first.poles.items()
    )
    # "veilig" against "onveilig": only when the plain word is in the other text, so words that
    # merely start with "on" ("onderhoud", "ontmoeten") never count.
    opposed = opposed or any(
        word.startswith("on") and word[2:] in other and word not in other
        for words, other in ((first.words, second.words), (second.words, first.words))
        for word in words
    )
    return flips + int(opposed)


def stance_conflict(first: str | StanceSignature, second: str | StanceSignature) -> bool:
    """Whether two texts take opposite sides on what they both talk about.

    Parameters
    ----------
    first, second : str or StanceSignature
        Texts, or signatures computed earlier with :func:`stance_signature`.

    Returns
    -------
    bool
        True when the number of stance flips between the texts is odd.

    Examples
    --------
    >>> stance_conflict("Meer parkeerplaatsen in de wijk", "Minder parkeerplaatsen in de wijk")
    True
    >>> stance_conflict("De bibliotheek moet blijven", "Sluit de bibliotheek niet")
    False
    """
    a = first if isinstance(first, StanceSignature) else stance_signature(first)
    b = second if isinstance(second, StanceSignature) else stance_signature(second)
    return _flips(a, b) % 2 == 1
