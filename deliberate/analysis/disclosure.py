"""Which opinion groups may be described: primary and secondary (complementary) suppression.

A group with fewer than ``privacy_k`` members is hidden: no size, no figures (primary
suppression). Hiding it alone is not enough. Everyone's figures minus those of the groups that are
shown give the hidden group's figures back, and the number of people placed in groups minus the
shown sizes gives its size. So, as statistical offices do with a table of counts, one or more
other groups are hidden with it (secondary suppression), the smallest first, until the hidden
groups together hold at least ``privacy_k`` people. Subtraction then gives only the figures of
all hidden groups together, never those of a group below the threshold.

The rule works on sizes alone, so the analysis, the advice, the map and the API all hide the same
groups, and hiding happens again wherever an older stored result is read with a higher threshold.

>>> hidden_groups([120, 40, 3], privacy_k=5)
(False, True, True)
>>> hidden_groups([120, 40, 3, 4], privacy_k=5)
(False, False, True, True)
>>> hidden_groups([120, 40], privacy_k=5)
(False, False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["hidden_groups", "hidden_in_result"]


def hidden_groups(
    sizes: Sequence[int], *, privacy_k: int, flagged: Sequence[bool] = ()
) -> tuple[bool, ...]:
    """For each group, whether it must be hidden.

    Parameters
    ----------
    sizes : sequence of int
        The number of members of each group.
    privacy_k : int
        The smallest group that may be described.
    flagged : sequence of bool, optional
        Groups already hidden for another reason (an older result's ``suppressed``).

    Returns
    -------
    tuple of bool
        True for a group below ``privacy_k`` or flagged, and for the smallest other groups hidden
        with them so that the hidden groups together hold at least ``privacy_k`` members.
    """
    hidden = [size < privacy_k for size in sizes]
    for index, flag in enumerate(flagged):
        hidden[index] = hidden[index] or bool(flag)
    if not any(hidden):
        return tuple(hidden)
    while sum(size for size, gone in zip(sizes, hidden, strict=True) if gone) < privacy_k:
        shown = [index for index, gone in enumerate(hidden) if not gone]
        if not shown:
            break
        hidden[min(shown, key=lambda index: (sizes[index], index))] = True
    return tuple(hidden)


def hidden_in_result(
    groups: Sequence[Mapping[str, Any]], *, privacy_k: int
) -> tuple[list[int], tuple[bool, ...]]:
    """The sizes of a stored result's groups (JSON ``size``) and which of them to hide."""
    sizes = [int(group.get("size", len(group.get("participants", []))) or 0) for group in groups]
    flagged = [bool(group.get("suppressed", False)) for group in groups]
    return sizes, hidden_groups(sizes, privacy_k=privacy_k, flagged=flagged)
