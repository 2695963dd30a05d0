"""One opinion group (the analysis's ``no_groups``): agreement is judged on everyone and said so.

Before, with one group, consensus needed two groups: 300 voters of whom 96 % agreed with a
statement got "De stemmen lieten geen aparte groepen zien. Daarom zeggen we niet wat groepen
verbindt of verdeelt." in every section and summary, and the map listed nothing. Now the rule of
consensus is judged on all the votes with the same thresholds, and every sentence says that the
votes showed no separate groups; nothing speaks of "every group".
"""

from __future__ import annotations

import json
import warnings
from dataclasses import replace

import numpy as np
import pytest
from truth import EVERY_GROUP, audit

from deliberate.advice import draft_advice, render_html, render_markdown
from deliberate.advice.context import DraftContext
from deliberate.advice.wording import phrasebook
from deliberate.analysis.pipeline import analyse
from deliberate.analysis.result import AnalysisResult
from deliberate.analysis.simulate import simulate_votes
from deliberate.domain.snapshot import SnapshotTally, SnapshotVote, Vote, VoteSnapshot
from deliberate.errors import AnalysisWarning
from web.core.i18n import translator
from web.core.templates import make_environment
from web.views.opinion_map import build_map

POLARITIES = np.array([[1, 1, -1, 1, 1, -1, 1, 1, -1, 1, 1, 1]])


@pytest.fixture(scope="module")
def one_group() -> tuple[AnalysisResult, VoteSnapshot]:
    snapshot, _ = simulate_votes(
        n_participants=300,
        n_statements=12,
        group_sizes=(1.0,),
        density=0.9,
        noise=0.1,
        polarities=POLARITIES,
        random_state=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(snapshot)
    assert len(result.groups) == 1
    assert any(w.startswith("no_groups") for w in result.warnings)
    return result, snapshot


def test_agreement_without_groups_is_stated_and_true(one_group) -> None:
    result, snapshot = one_group
    checked = audit(result, snapshot)  # every sentence read back against the votes
    assert checked["claims"] > 1
    for language, said in (("nl", "geen aparte groepen"), ("en", "no separate groups")):
        report = draft_advice(json.loads(result.to_json()), snapshot, language=language)
        assert report.ledger is not None
        claims = report.ledger.of_kind("consensus")
        # All twelve hold (92-96 %); the list keeps the first n_findings (10), s3 at 96 % first.
        assert len(claims) == 10
        assert claims[0].statement_ids[0] == "s3"
        found = report.section("agreement").findings
        assert len(found) == len(claims)
        assert all(said in f.sentence for f in found)
        points = [point for point, _ in report.section("summary").points]
        assert sum("75%" in point for point in points) == 2
        for text in [f.sentence for f in report.findings] + points:
            assert not EVERY_GROUP.search(text), text
        for kind in ("broad_support", "divisive", "minority", "group_view"):
            assert not report.ledger.of_kind(kind), kind


def test_a_statement_below_the_threshold_of_all_votes_is_not_consensus(one_group) -> None:
    _, snapshot = one_group
    # Statement s3 (96 % agree) to 70 of 100: one group, but not 75 % of all the votes.
    votes = [v for v in snapshot.votes if v.statement_id != "s3"]
    people = [p.participant_id for p in snapshot.participants][:100]
    for i, pid in enumerate(people):
        votes.append(SnapshotVote(pid, "s3", Vote.AGREE if i < 70 else Vote.DISAGREE, 1.0))
    changed = replace(snapshot, votes=votes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        again = analyse(changed)
    audit(again, changed)
    report = draft_advice(json.loads(again.to_json()), changed, language="nl")
    assert report.ledger is not None
    stated = {c.statement_ids[0] for c in report.ledger.of_kind("consensus")}
    assert "s3" not in stated
    assert stated


def test_the_map_says_all_votes_not_every_group(one_group) -> None:
    result, snapshot = one_group
    texts = {s.statement_id: s.text for s in snapshot.statements}
    view = build_map(result.to_json(), 1, texts, privacy_k=5)
    assert not view.grouped
    assert view.consensus
    template = make_environment().get_template("map_fragment.html")
    messages = translator("nl")
    page = template.render(
        _=messages.gettext, gettext=messages.gettext, ngettext=messages.ngettext,
        map=view, projector=False, my_index=None, fold_picture=False,
    )  # fmt: skip
    assert "Minstens 75% van alle stemmen eens" in page
    assert "elke groep" not in page
    assert "alle groepen" not in page


def test_a_group_share_never_reads_as_none_or_all(one_group) -> None:
    """A group's share of the people in groups: 1 of 300 read "0%" and 299 "100%" before."""
    result, snapshot = one_group
    draft = DraftContext(json.loads(result.to_json()), snapshot, phrasebook("nl"), 5)
    assert draft.placed == 300
    assert [draft.share(n) for n in (1, 2, 150, 298, 299)] == ["0,3", "1", "50", "99", "99,7"]
    report = draft_advice(json.loads(result.to_json()), snapshot, language="en")
    assert "<td>100</td>" in render_html(report)  # the one group: all 300, which is 100


def test_hands_at_tables_are_not_all_online(one_group) -> None:
    """Everyone who voted did so online, but hands were counted at a table: not "all online"."""
    result, snapshot = one_group
    hands = (SnapshotTally("session:s1/table:1", "s3", agree=9, disagree=1, passed=0),)
    with_hands = replace(snapshot, tallies=hands)
    for language, wrong in (("nl", "allemaal online"), ("en", "all online")):
        text = render_markdown(
            draft_advice(json.loads(result.to_json()), with_hands, language=language)
        )
        assert wrong not in text
    plain = render_markdown(draft_advice(json.loads(result.to_json()), snapshot, language="nl"))
    assert "300 mensen deden mee, allemaal online." in plain


def test_weighting_names_consensus_without_groups(one_group) -> None:
    """The representation section names a changed finding: without groups not "in elke groep"."""
    from deliberate.advice.weighting import _words

    result, snapshot = one_group
    draft = DraftContext(json.loads(result.to_json()), snapshot, phrasebook("nl"), 5)
    said = _words(draft, ("consensus:agree", "broad_support"))
    assert said == "breed gedragen en een punt van overeenstemming van alle stemmen"
