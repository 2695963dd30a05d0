"""The map names and counts a group by its own id, as the advice and the API do.

After a recompute the groups keep their ids (deliberate.analysis.labels): two groups can be 0 and
3, "Groep A" and "Groep D". The map called the second one "B" (its position) and looked up its
figures under "1", so its bars were empty and the participant was told "you are closest to
group B" while the advice called that group D.
"""

from __future__ import annotations

import dataclasses
import json
import warnings

from deliberate.analysis.definitions import percent
from deliberate.analysis.pipeline import analyse
from deliberate.analysis.simulate import simulate_votes
from deliberate.errors import AnalysisWarning
from web.views.opinion_map import bar_of, build_map, group_name, participant_group


def _recomputed() -> tuple[bytes, dict[str, str]]:
    snapshot, _ = simulate_votes(
        n_participants=200, n_statements=20, group_sizes=(0.6, 0.4), density=0.8, noise=0.05,
        random_state=3,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        first = analyse(snapshot)
        # The previous result had these people in groups 0 and 3 (groups 1 and 2 had gone).
        renamed = tuple(
            dataclasses.replace(group, id=0 if group.id == 0 else 3) for group in first.groups
        )
        second = analyse(snapshot, previous=dataclasses.replace(first, groups=renamed))
    texts = {statement.statement_id: statement.text for statement in snapshot.statements}
    return second.to_json(), texts


def test_the_map_names_and_counts_groups_by_their_ids() -> None:
    payload, texts = _recomputed()
    data = json.loads(payload)
    assert [group["id"] for group in data["groups"]] == [0, 3]
    view = build_map(payload, 2, texts, privacy_k=5)
    assert [(g.group_id, g.label) for g in view.groups] == [(0, "A"), (3, "D")]
    for row in view.statements:
        cells = data["statements"][row.statement_id]["by_group"]
        for group, bar in zip(view.groups, row.groups, strict=True):
            cell = cells[str(group.group_id)]
            assert bar.label == group.label
            assert bar.total == cell["agree"] + cell["disagree"] + cell["pass"]
    member = data["groups"][1]["participants"][0]
    assert group_name(view, participant_group(payload, member)) == "D"


def test_map_bars_round_half_up_like_the_advice() -> None:
    bar = bar_of("A", {"agree": 1, "disagree": 7, "pass": 0})  # 12.5 %
    assert bar.agree == percent(1 / 8) == 13
