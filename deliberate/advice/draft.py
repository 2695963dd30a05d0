"""Turn an AnalysisResult and the consultation's texts into the draft advice.

The result is read through its JSON form (DESIGN.md §4), the contract that never loses a field, so
a stored result version, a fresh ``analyse()`` result and a ``deliberate analyze`` file all give
the same advice. Every number a finding states is copied from that form unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from deliberate.advice.context import ConsultationTexts, DraftContext, Theme, result_mapping
from deliberate.advice.framing import (
    method_section,
    question_section,
    settings_table,
    summary_section,
)
from deliberate.advice.report import AdviceReport, ReportFacts, Section
from deliberate.advice.sections import (
    agreement_section,
    difference_section,
    map_points,
    minority_section,
    room_section,
    themes_section,
)
from deliberate.advice.weighting import WeightingRecord, representation_section, weigh_ledger
from deliberate.advice.wording import Phrasebook
from deliberate.analysis.weighting import PopulationMargins
from deliberate.domain.snapshot import VoteSnapshot

__all__ = ["ConsultationTexts", "Theme", "draft_advice", "result_mapping"]


def draft_advice(
    result: object,
    snapshot: VoteSnapshot,
    *,
    language: str = "nl",
    texts: ConsultationTexts | None = None,
    themes: Sequence[Theme] | None = None,
    privacy_k: int = 5,
    margins: PopulationMargins | None = None,
    weight_cap: float = 5.0,
) -> AdviceReport:
    """Draft the citizens' advice from an analysis result.

    Parameters
    ----------
    result : AnalysisResult or mapping
        The analysis of ``snapshot``, as an object or in its JSON form (DESIGN.md §4).
    snapshot : VoteSnapshot
        The snapshot that was analysed: statement texts, channels, rounds, dates, exclusions.
    language : {"nl", "en"}
        Language of the advice.
    texts : ConsultationTexts, optional
        Title, question, introduction and conclusions written by the facilitators.
    themes : sequence of Theme, optional
        Topics from the text analysis; without them the themes follow the opinion groups.
    privacy_k : int
        Smallest group size with per-group figures, used when the result records none.
    margins : PopulationMargins, optional
        The neighbourhood's population figures: the advice then also gives every finding's
        weighted figure and says which findings would change (docs/representativeness.md).
    weight_cap : float
        Largest weight of one participant, as a multiple of the mean weight.

    Returns
    -------
    AdviceReport
        Sections in reading order; every finding carries its evidence.
    """
    say = Phrasebook(language)
    texts = texts or ConsultationTexts()
    draft = DraftContext(result_mapping(result), snapshot, say, privacy_k)
    conclusions = [p for p in texts.conclusions.split("\n\n") if p.strip()]
    record: WeightingRecord | None = None
    if margins is not None and draft.ledger.groups:
        record = weigh_ledger(draft.ledger, snapshot, margins, weight_cap)
        draft.ledger = dataclasses.replace(draft.ledger, weighting=record.to_dict())
    found = [
        question_section(draft, texts),
        agreement_section(draft),
        difference_section(draft),
        minority_section(draft),
        room_section(draft),
        representation_section(draft, record) if record is not None else None,
        themes_section(draft, themes),
        Section(
            "conclusions",
            say.say("section.conclusions"),
            tuple(conclusions) or (say.say("conclusions.draft"),),
        ),
        method_section(draft),
    ]
    # "In het kort" comes first but is written last: its points link to the findings above.
    sections = (summary_section(draft), *(section for section in found if section is not None))
    mapping = draft.result
    facts = ReportFacts(
        consultation_id=snapshot.consultation_id,
        input_digest=str(mapping.get("input_digest", "")),
        seed=int(mapping.get("seed", 0)),
        version=str(mapping.get("version", "")),
        n_participants=int(mapping.get("n_participants", 0)),
        n_statements=int(mapping.get("n_statements", 0)),
        n_votes=int(mapping.get("n_votes", 0)),
        participants_in_analysis=draft.placed,
        privacy_k=draft.privacy_k,
        parameters=settings_table(draft),
        warnings=tuple(str(w) for w in mapping.get("warnings", [])),
    )
    return AdviceReport(
        language=language,
        title=texts.title or snapshot.metadata.get("title", "") or say.say("document"),
        question=texts.question or snapshot.question,
        sections=sections,
        # A hidden group's size is not written anywhere, not even in the JSON.
        groups=tuple(
            (label, None if suppressed else size, suppressed)
            for _, label, size, suppressed in draft.groups
        ),
        map_points=map_points(draft),
        facts=facts,
        labels=say.labels(),
        ledger=draft.ledger,
    )
