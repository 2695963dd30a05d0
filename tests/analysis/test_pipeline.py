"""End-to-end behaviour of analyse(): determinism, degenerate input, privacy, stability."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from deliberate.analysis import (
    AnalysisParams,
    FewParticipantsWarning,
    FewStatementsWarning,
    NoVariationWarning,
    NoVotesWarning,
    analyse,
)
from deliberate.analysis.simulate import simulate_votes
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import AnalysisError

from .builders import snapshot_from_rows


def _planted(seed: int = 4, n: int = 240, minority: float = 0.05) -> VoteSnapshot:
    snapshot, _ = simulate_votes(
        n_participants=n,
        n_statements=40,
        group_sizes=(0.6 - minority, 0.4, minority),
        density=0.6,
        noise=0.05,
        random_state=seed,
    )
    return snapshot


@pytest.mark.parametrize("mode", ["deliberate", "polis"])
def test_same_input_and_seed_give_identical_bytes(mode: str) -> None:
    params = AnalysisParams(mode=mode, seed=11)  # type: ignore[arg-type]
    snapshot = _planted()
    assert analyse(snapshot, params=params).to_json() == analyse(snapshot, params=params).to_json()


def test_records_digest_parameters_and_version() -> None:
    result = analyse(_planted(), params=AnalysisParams(seed=5))
    assert result.seed == 5
    assert result.parameters["seed"] == 5
    assert result.version
    assert result.input_digest.startswith("sha256:")


@pytest.mark.parametrize(
    ("rows", "category"),
    [
        ([], NoVotesWarning),
        ([[None, None]], NoVotesWarning),
        ([[1, -1, 1, 1, -1, 1, 1, 1]], FewParticipantsWarning),
        ([[0, 0, 0, 0, 0, 0, 0]] * 4, NoVariationWarning),
        ([[1], [-1], [1], [-1]], FewStatementsWarning),
    ],
    ids=["empty", "no-votes", "one-participant", "all-passes", "one-statement"],
)
def test_degenerate_input_gives_a_typed_warning_and_a_valid_result(
    rows: list[list[int | None]], category: type[Warning]
) -> None:
    with pytest.warns(category):
        result = analyse(snapshot_from_rows(rows))
    assert result.warnings
    assert result.warnings[0].split(":")[0] == category.code
    data = result.to_json()
    assert b"NaN" not in data
    assert b"Infinity" not in data
    for x, y in result.projection.values():
        assert math.isfinite(x)
        assert math.isfinite(y)


def test_participants_below_the_threshold_are_projected_but_never_grouped() -> None:
    snapshot = _planted()
    sparse = snapshot_from_rows(
        [[1, None, None, None, None, None, None, None]], participant_prefix="q"
    )
    merged = replace(
        snapshot,
        participants=[*snapshot.participants, *sparse.participants],
        votes=[*snapshot.votes, *(replace(v, statement_id="s0") for v in sparse.votes)],
    )
    result = analyse(merged)
    assert "q0" in result.projection
    assert "q0" not in result.group_of()
    assert "q0" in result.below_threshold


def test_small_group_is_kept_and_suppressed_but_its_position_is_reported() -> None:
    # 3 of 120 participants (2.5 %) hold their own position: below privacy_k = 5. (Seed 10: at
    # seed 8 the three agree all three only where the others agree too; their positions there
    # rested on 2 votes, below minority_min_support.)
    result = analyse(_planted(seed=10, n=120, minority=0.025))
    small = [g for g in result.groups if g.size < 5]
    assert small, [g.size for g in result.groups]
    group = small[0]
    assert group.suppressed
    assert group.representative == ()
    positions = [m for m in result.minority_positions if m.group_id == group.id]
    assert positions, "a minority position must not be dropped because its group is small"
    assert all(m.suppressed and m.group_agree is None and m.support is None for m in positions)
    for summary in result.statements.values():
        assert group.id not in summary.by_group


def test_minority_positions_carry_the_numbers_behind_them() -> None:
    result = analyse(_planted(seed=2, n=400, minority=0.08))
    shown = [m for m in result.minority_positions if not m.suppressed]
    assert shown
    for position in shown:
        assert position.group_agree is not None
        assert position.others_agree is not None
        assert position.group_agree > 0.5
        assert position.group_agree > position.others_agree
        assert position.p_value is not None
        assert position.p_value < 0.1


def test_every_consensus_statement_meets_the_threshold_in_every_group() -> None:
    result = analyse(_planted(seed=3, n=300))
    assert result.consensus
    for entry in result.consensus:
        assert len(entry.group_shares) == sum(not g.suppressed for g in result.groups)
        assert all(share >= 0.6 for share in entry.group_shares.values())


def test_group_ids_and_map_orientation_survive_a_recompute() -> None:
    snapshot = _planted(seed=6, n=300)
    first = analyse(snapshot)
    # Shuffle the participant order: a clusterer would number groups differently.
    rng = np.random.default_rng(0)
    order = rng.permutation(len(snapshot.participants))
    shuffled = replace(snapshot, participants=[snapshot.participants[i] for i in order])
    second = analyse(shuffled, previous=first)
    assert {g.id: set(g.participants) for g in second.groups} == {
        g.id: set(g.participants) for g in first.groups
    }
    for sid, (x, y) in first.axes.items():
        x2, y2 = second.axes[sid]
        assert x * x2 >= -1e-12
        assert y * y2 >= -1e-12


def test_polis_mode_keeps_previous_members_in_analysis() -> None:
    snapshot = _planted(seed=6, n=60)
    first = analyse(snapshot, params=AnalysisParams(mode="polis"))
    member = next(iter(first.group_of()))
    kept = next(v for v in snapshot.votes if v.participant_id == member)
    thinned = replace(
        snapshot,
        votes=[v for v in snapshot.votes if v.participant_id != member or v is kept],
    )
    plain = analyse(thinned, params=AnalysisParams(mode="polis"))
    sticky = analyse(thinned, params=AnalysisParams(mode="polis"), previous=first)
    assert member not in plain.group_of()
    assert member in sticky.group_of()


def test_invalid_parameters_are_a_typed_error() -> None:
    with pytest.raises(AnalysisError):
        AnalysisParams(mode="fancy")  # type: ignore[arg-type]
    with pytest.raises(AnalysisError):
        AnalysisParams(max_groups=1)
