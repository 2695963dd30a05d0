"""The draft citizens' advice as data: sections of findings, each finding tied to its evidence.

The structure is built once by :func:`deliberate.advice.draft_advice` and then rendered to HTML,
Markdown, DOCX or PDF. Renderers only lay out what is here; they never compute or reword a
finding, so every format states the same claims with the same numbers.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from deliberate.advice.ledger import ClaimLedger

__all__ = [
    "AdviceReport",
    "Evidence",
    "Finding",
    "GroupFigures",
    "MapPoint",
    "ReportFacts",
    "Section",
    "SectionKind",
]

SectionKind = Literal[
    "summary",
    "question",
    "agreement",
    "difference",
    "minority",
    "room",
    "representation",
    "themes",
    "method",
    "conclusions",
]


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """How one opinion group voted on one statement; ``None`` counts mean suppressed (R-D5)."""

    group_label: str
    agree: int | None
    disagree: int | None
    passed: int | None

    @property
    def suppressed(self) -> bool:
        """True when the group is below the privacy threshold and its figures are withheld."""
        return self.agree is None

    @property
    def total(self) -> int:
        """Votes the group cast on the statement (0 when suppressed)."""
        return (self.agree or 0) + (self.disagree or 0) + (self.passed or 0)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The statement and the numbers behind a finding, exactly as in the AnalysisResult.

    ``number`` is what readers see ("stelling 12"): the source's own number, or the statement's
    position in the consultation when its id is a database key.

    ``measures`` holds the named numbers the finding sentence uses (for example ``score`` or
    ``group_agree``), copied from the result without rounding; the renderers round for display.
    """

    statement_id: str
    text: str
    agree: int
    disagree: int
    passed: int
    by_group: tuple[GroupFigures, ...]
    measures: tuple[tuple[str, float], ...] = ()
    number: str = ""  # the statement's number for readers; its id when it has no other

    @property
    def total(self) -> int:
        """All votes on the statement."""
        return self.agree + self.disagree + self.passed

    def measure(self, name: str) -> float:
        """The number called ``name``; raises ``KeyError`` when the finding has none."""
        for key, value in self.measures:
            if key == name:
                return value
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Finding:
    """One claim of the advice: a sentence, and the evidence that supports it.

    ``reference`` is the short, stable label the formats use to link the sentence to its
    evidence (an anchor in HTML, a footnote in Markdown, a row of the appendix in DOCX/PDF).
    """

    reference: str
    sentence: str
    evidence: tuple[Evidence, ...]
    claims: tuple[str, ...] = ()  # the ids of the ledger's claims this sentence states
    rule: str = ""  # the rule those claims satisfy, in the advice's language


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the advice: a heading, plain paragraphs and findings."""

    kind: SectionKind
    title: str
    paragraphs: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    points: tuple[tuple[str, str], ...] = ()  # "In het kort": (sentence, finding reference)


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One participant on the opinion map; no identifier is carried (R-D5)."""

    x: float
    y: float
    group_label: str


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """The facts the method section and the metadata of every file are built from."""

    consultation_id: str
    input_digest: str
    seed: int
    version: str
    n_participants: int
    n_statements: int
    n_votes: int
    participants_in_analysis: int
    privacy_k: int
    parameters: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AdviceReport:
    """The draft citizens' advice (concept-burgeradvies) of one consultation.

    Attributes
    ----------
    language : {"nl", "en"}
        Language of every sentence.
    title, question : str
        The consultation's title and the question it asked.
    sections : tuple of Section
        In reading order; the minority section is present whenever the analysis found a minority
        position, and it is never shortened.
    groups : tuple of (label, size, suppressed)
        The opinion groups; suppressed groups (below ``facts.privacy_k``, or hidden with such a
        group so that it cannot be subtracted) have no size.
    map_points : tuple of MapPoint
        Participants on the opinion map, without identifiers; empty when there is no projection.
    facts : ReportFacts
        Digest, seed, version and counts, for the method section and the file metadata.
    """

    language: str
    title: str
    question: str
    sections: tuple[Section, ...]
    groups: tuple[tuple[str, int | None, bool], ...]
    map_points: tuple[MapPoint, ...]
    facts: ReportFacts
    labels: dict[str, str] = field(default_factory=dict)
    ledger: ClaimLedger | None = None  # the claims every sentence states (not in to_json)

    def section(self, kind: SectionKind) -> Section:
        """The section of ``kind``; raises ``KeyError`` when the report has none."""
        for section in self.sections:
            if section.kind == kind:
                return section
        raise KeyError(kind)

    @property
    def findings(self) -> Sequence[Finding]:
        """Every finding of the report, in reading order."""
        return [finding for section in self.sections for finding in section.findings]

    def to_json(self) -> str:
        """Canonical JSON of the whole report: sorted keys, floats rounded to 6 decimals.

        The same report always gives the same text, so a published version can be compared
        byte for byte with a later rendering.
        """
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        values.pop("ledger")
        return json.dumps(
            _canonical(_plain(values)),
            sort_keys=True,
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
        )


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _canonical(value: Any) -> Any:
    if isinstance(value, float):
        rounded = round(value, 6)
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return value
