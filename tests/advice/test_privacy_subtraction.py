"""Secondary suppression: a hidden group cannot be recovered by subtraction, in any format.

The planted consultation has groups of about 55 %, 37 % and 8 % of 300 people. With a privacy
threshold of 30 the 8 % group is hidden; showing the other two would give it back (everyone minus
the groups shown), so the smaller of them is hidden with it.
"""

from __future__ import annotations

import io
import json
import re
import warnings

import docx
import pypdf
import pytest
from click.testing import CliRunner

from deliberate.advice import draft_advice, render_html, render_markdown
from deliberate.advice.docx_file import render_docx
from deliberate.advice.ledger import ClaimLedger
from deliberate.advice.pdf_file import render_pdf
from deliberate.advice.verify import check_ledger
from deliberate.analysis.disclosure import hidden_groups
from deliberate.analysis.params import AnalysisParams
from deliberate.analysis.pipeline import analyse
from deliberate.cli.report import report as report_command
from deliberate.errors import AnalysisWarning, ClaimDoesNotHold
from deliberate.interop.snapshot_json import snapshot_to_json
from web.api.answers import map_out
from web.views.opinion_map import build_map

K = 30


@pytest.mark.parametrize(
    ("sizes", "k", "expected"),
    [
        ([165, 111, 24], 30, (False, True, True)),  # one small group: the next smallest too
        ([165, 111, 20, 12], 30, (False, False, True, True)),  # two small ones are 32 together
        ([165, 111, 20, 5], 30, (False, True, True, True)),
        ([5, 2], 5, (True, True)),
        ([40, 40], 5, (False, False)),
        ([], 5, ()),
        ([3], 5, (True,)),
    ],
)
def test_hidden_groups_hold_at_least_k_people_together(sizes, k, expected):
    hidden = hidden_groups(sizes, privacy_k=k)
    assert hidden == expected
    if any(hidden) and not all(hidden):
        assert sum(size for size, gone in zip(sizes, hidden, strict=True) if gone) >= k


def test_an_older_flag_is_kept():
    assert hidden_groups([50, 50, 50], privacy_k=5, flagged=[False, True]) == (False, True, False)
    assert hidden_groups([50, 50, 3], privacy_k=60, flagged=[True]) == (True, True, True)


@pytest.fixture(scope="module")
def strict(minority_consultation):
    snapshot, _ = minority_consultation
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(snapshot, params=AnalysisParams(privacy_k=K))
    return snapshot, result


def _hidden_and_shown(result):
    hidden = [g for g in result.groups if g.suppressed]
    shown = [g for g in result.groups if not g.suppressed]
    return hidden, shown


def test_the_analysis_hides_a_second_group(strict):
    _, result = strict
    hidden, shown = _hidden_and_shown(result)
    assert any(g.size < K for g in hidden)
    assert any(g.size >= K for g in hidden), "the complementary group"
    assert sum(g.size for g in hidden) >= K
    assert shown
    for summary in result.statements.values():
        assert all(g.id not in summary.by_group for g in hidden)


def _hidden_members(result) -> list[str]:
    hidden = {g.id for g in result.groups if g.suppressed}
    return sorted(pid for pid, gid in result.group_of().items() if gid in hidden)


def _names(participant_id: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(participant_id)}(?![\w-])")


def _size_pattern(size: int) -> re.Pattern[str]:
    return re.compile(rf"(?<![\d.,]){size}(?![\d.,%])")


def _texts(report) -> dict[str, str]:
    document = docx.Document(io.BytesIO(render_docx(report)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    pdf = pypdf.PdfReader(io.BytesIO(render_pdf(report)))
    return {
        "markdown": render_markdown(report),
        "html": render_html(report),
        "docx": "\n".join([p.text for p in document.paragraphs] + cells),
        "pdf": "\n".join(page.extract_text() for page in pdf.pages),
        "json": report.to_json(),
    }


def test_no_format_gives_a_hidden_size_or_lets_it_be_subtracted(strict):
    snapshot, result = strict
    report = draft_advice(result, snapshot)
    hidden, shown = _hidden_and_shown(result)
    placed = report.facts.participants_in_analysis
    # What subtraction can give: everyone placed minus the groups shown, which is all hidden
    # groups together, never one group below the threshold.
    assert placed - sum(g.size for g in shown) >= K
    small = [g for g in hidden if g.size < K]
    members = _hidden_members(result)
    assert members
    texts = _texts(report)
    for name, text in texts.items() | {("ledger", report.ledger.to_json())}:
        assert not [pid for pid in members if _names(pid).search(text)], name
    for name, text in texts.items():
        for group in shown:
            assert _size_pattern(group.size).search(text), (name, group.size)
        for group in hidden:
            # "Groep B (111 mensen" or a table cell with 111: the exact size appears nowhere.
            assert not re.search(rf"Groep {group.label}\W+{group.size}\b", text), name
        for group in small:
            assert f"{group.size} mensen" not in text, name
    data = json.loads(report.to_json())
    by_label = {label: (size, gone) for label, size, gone in data["groups"]}
    assert all(size is None for size, gone in by_label.values() if gone)
    # Every finding's figures of a hidden group are None: tests/advice/test_draft.py checks it
    # for all suppressed groups, the complementary ones included.


def test_the_map_and_its_api_show_no_size_of_a_hidden_group(strict):
    snapshot, result = strict
    texts = {s.statement_id: s.text for s in snapshot.statements}
    view = build_map(result.to_json(), 1, texts, privacy_k=K)
    body = map_out(view).model_dump(mode="json")
    hidden, shown = _hidden_and_shown(result)
    sizes = [group["size"] for group in body["groups"]]
    assert sorted(s for s in sizes if s is not None) == sorted(g.size for g in shown)
    assert sizes.count(None) == len(hidden)
    assert all(g["suppressed"] == (g["size"] is None) for g in body["groups"])
    # Counting coloured dots gives only the groups shown.
    coloured = [p["group"] for p in body["points"] if p["group"] is not None]
    shown_index = {index for index, g in enumerate(body["groups"]) if not g["suppressed"]}
    assert set(coloured) <= shown_index
    assert len(coloured) == sum(g.size for g in shown)
    # A result stored with k = 5 and read under k = 30 is hidden the same way.
    older = build_map(result.to_json(), 1, texts, privacy_k=5)
    assert [g.suppressed for g in older.groups] == [g.suppressed for g in result.groups]


def test_the_claim_ledger_names_no_member_and_no_size_of_a_hidden_group(strict):
    snapshot, result = strict
    report = draft_advice(result, snapshot, privacy_k=K)
    hidden, shown = _hidden_and_shown(result)
    raw = json.loads(report.ledger.to_json())
    entries = {entry["group_id"]: entry for entry in raw["groups"]}
    for group in hidden:
        assert entries[group.id]["suppressed"] is True
        assert entries[group.id]["members"] is None
        assert "size" not in entries[group.id]
    for group in shown:
        assert entries[group.id]["suppressed"] is False
        assert sorted(entries[group.id]["members"]) == sorted(
            pid for pid, gid in result.group_of().items() if gid == group.id
        )
    hidden_ids = {g.id for g in hidden}
    for claim in raw["claims"]:
        assert all(
            item["figures"] is None for item in claim["by_group"] if item["group_id"] in hidden_ids
        ), claim["claim_id"]
    # Read back, a hidden group has no members; the groups shown keep theirs.
    again = ClaimLedger.from_dict(raw)
    assert [g.members for g in again.groups if g.suppressed] == [()] * len(hidden)
    assert [g.members for g in again.groups if not g.suppressed] == [
        g.members for g in report.ledger.groups if not g.suppressed
    ]
    # The whole check needs the members of every group: it runs on the ledger as drafted, and
    # says why it cannot run on one read back from the JSON.
    check_ledger(report.ledger, snapshot, privacy_k=K, tally_weight=1.0)
    with pytest.raises(ClaimDoesNotHold, match="names no members") as caught:
        check_ledger(again, snapshot, privacy_k=K, tally_weight=1.0)
    assert caught.value.claim == "groups"


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_the_report_command_names_no_member_of_a_hidden_group(strict, tmp_path, monkeypatch, fmt):
    snapshot, _ = strict
    source = tmp_path / "snapshot.json"
    source.write_bytes(snapshot_to_json(snapshot))
    monkeypatch.setenv("DELIBERATE_PRIVACY_K", str(K))
    out = tmp_path / f"advice.{fmt}"
    run = CliRunner().invoke(report_command, [str(source), "--format", fmt, "--out", str(out)])
    assert run.exit_code == 0, run.output
    text = out.read_text(encoding="utf-8")
    # The command analyses with its own settings: its groups are those of the same threshold.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(snapshot, params=AnalysisParams(privacy_k=K))
    members = _hidden_members(result)
    assert members
    assert not [pid for pid in members if _names(pid).search(text)]
    if fmt == "json":
        groups = json.loads(text)["groups"]
        assert any(group["suppressed"] for group in groups)
        assert all((group["members"] is None) == group["suppressed"] for group in groups)
