"""Every sentence of the advice is true of the votes, on every real Polis conversation we hold.

The same reading as the generated consultations (:func:`truth.audit`): the full pipeline
(analysis, the advice in Dutch and English, Markdown, HTML and JSON, the opinion map), read back
against votes counted here.
"""

from __future__ import annotations

import warnings

import pytest
from support import POLIS_OPEN_DATA
from truth import audit

from deliberate.advice import draft_advice
from deliberate.advice.wording import phrasebook
from deliberate.analysis.pipeline import analyse
from deliberate.errors import AnalysisWarning
from deliberate.interop.polis import read_polis_export

FOLDERS = sorted(p.name for p in POLIS_OPEN_DATA.iterdir() if p.is_dir())
# Over a thousand participants each: analysed in the slow run only (as in test_open_data).
LARGE = {
    "american-assembly.bowling-green",
    "austria-climate.2vkxcncppn.2022-07-07",
    "austria-climate.7z7ejpbmv5.2022-08-08",
    "football-concussions",
}


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in LARGE else n for n in FOLDERS]
)
def test_every_sentence_is_true_on_real_conversations(name: str) -> None:
    snapshot = read_polis_export(POLIS_OPEN_DATA / name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(snapshot)
    checked = audit(result, snapshot)
    if snapshot.votes and len(result.groups) > 1:
        assert checked["findings"] > 0
    if len(result.groups) < 2:  # london.youth.policing: one group; no group words anywhere
        report = draft_advice(result, snapshot, language="en")
        said = phrasebook("en").say("none.groups")
        assert report.section("summary").points[0] == (said, "")
        for sentence, _ in report.section("summary").points[1:]:  # consensus of all votes
            assert sentence.startswith("At least 75% of all votes"), sentence
        for kind in ("difference", "minority", "themes"):
            assert report.section(kind).paragraphs == (said,), kind
        agreement = report.section("agreement")
        assert agreement.findings or agreement.paragraphs == (
            phrasebook("en").say("agreement.none.all", threshold=75),
        )
