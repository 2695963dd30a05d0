"""The parameters of one analysis run: a frozen, validated value object.

Every default is Polis's own where Polis has one, so that ``mode="polis"`` needs no tuning and the
default mode differs only where it is measurably better (``docs/analysis.md``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

from deliberate.errors import AnalysisError

if TYPE_CHECKING:
    from deliberate.config import Settings

__all__ = [
    "Z_90",
    "AnalysisMode",
    "AnalysisParams",
]

AnalysisMode = Literal["deliberate", "polis"]

# One-sided 90 % critical value of the standard normal; Polis's `z-sig-90?` uses this constant.
Z_90 = 1.2816


@dataclass(frozen=True, kw_only=True)
class AnalysisParams:
    """How :func:`deliberate.analysis.analyse` runs.

    Parameters
    ----------
    mode : {"deliberate", "polis"}
        ``"polis"`` reproduces Polis's maths step by step (in-conv rule with the top-up to 15,
        100 base clusters, group k-means with silhouette choice of k). ``"deliberate"`` (the
        default) clusters people on their agree/disagree votes (passes left out) with a
        sparse-aware vote mixture whose number of groups is chosen by the exact integrated
        classification likelihood (ICL), so that a small but distinct minority keeps its own
        group; groups that do not take opposite positions are merged, down to one group. Up to
        5,000 participants and 200,000 decided votes the groups are the consensus of fits on the
        votes and on resamples of them, so that they do not flip when a few votes change.
    min_votes : int
        Votes a participant needs to be placed in a group (Polis: 7, or the number of statements
        when there are fewer). Everyone with a vote is still projected on the map.
    privacy_k : int
        Groups with fewer members are reported without per-group figures (R-D5).
    max_groups : int
        Upper bound on the number of opinion groups (Polis: 5).
    seed : int
        Seed of every random step; the same input and seed give byte-identical output.
    significance : float
        One-sided z threshold for representative statements, consensus and minority positions.
    n_representative : int
        Representative statements kept per group (Polis: 5).
    n_findings : int
        Length of the consensus, bridging and divisive lists.
    consensus_share : float
        The share of the votes (passes included) every group, and everyone together, must give
        to one side for a statement to count as consensus (*overeenstemming*, see
        :mod:`deliberate.analysis.definitions`).
    min_group_votes : int
        Votes every group needs on a statement before it can be called consensus, broadly
        supported, or a statement on which the groups are divided.
    divisive_gap : float
        Smallest difference between the highest and lowest group agree share for a statement
        on which the groups are divided (*verdeeld*).
    minority_gap : float
        Smallest difference between a group's agree share and everyone else's for a minority
        position (Sensemaker uses 0.3).
    minority_share : float
        Largest share of the grouped participants a group may hold for its distinctive views to
        count as minority positions. Larger groups' views are reported as differences of opinion
        instead; there is no lower bound, so a group is never too small to be heard.
    base_clusters : int
        Polis mode: number of base clusters (Polis: 100).
    keep_participants : tuple of str
        Polis mode: participants clustered whatever their vote count. Polis's in-conv set is
        sticky (once clustered, always clustered); a previous result's members are kept
        automatically, and this names further ones, for example Polis's own ``in-conv`` list.
    """

    mode: AnalysisMode = "deliberate"
    min_votes: int = 7
    privacy_k: int = 5
    max_groups: int = 5
    seed: int = 0
    significance: float = Z_90
    n_representative: int = 5
    n_findings: int = 10
    consensus_share: float = 0.75
    min_group_votes: int = 5
    divisive_gap: float = 0.3
    minority_gap: float = 0.3
    minority_share: float = 0.25
    base_clusters: int = 100
    keep_participants: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in ("deliberate", "polis"):
            raise AnalysisError(
                f"Unknown analysis mode {self.mode!r}; use 'deliberate' or 'polis'."
            )
        for name in ("min_votes", "privacy_k", "n_representative", "n_findings", "min_group_votes"):
            if getattr(self, name) < 1:
                raise AnalysisError(f"Parameter {name} must be at least 1.")
        if not 2 <= self.max_groups <= 26:
            raise AnalysisError("Parameter max_groups must lie between 2 and 26.")
        if self.base_clusters < 2:
            raise AnalysisError("Parameter base_clusters must be at least 2.")
        if not 0 <= self.seed < 2**32:
            raise AnalysisError("Parameter seed must lie between 0 and 2**32 - 1.")
        for name in ("consensus_share", "minority_gap", "minority_share", "divisive_gap"):
            if not 0.0 < getattr(self, name) < 1.0:
                raise AnalysisError(f"Parameter {name} must lie strictly between 0 and 1.")
        if self.consensus_share < 0.5:
            raise AnalysisError("Parameter consensus_share must be at least 0.5: it is a majority.")
        if not self.significance > 0.0:
            raise AnalysisError("Parameter significance must be positive.")

    @classmethod
    def from_settings(cls, settings: Settings, *, seed: int | None = None) -> AnalysisParams:
        """The operator's parameters (``DELIBERATE_MIN_VOTES``, ``…_PRIVACY_K``, …)."""
        return cls(
            min_votes=settings.min_votes,
            privacy_k=settings.privacy_k,
            max_groups=settings.max_groups,
            seed=settings.seed if seed is None else seed,
        )

    def to_dict(self) -> dict[str, object]:
        """The parameters as a plain mapping, as recorded in every result."""
        values = asdict(self)
        values["keep_participants"] = list(self.keep_participants)
        return values
