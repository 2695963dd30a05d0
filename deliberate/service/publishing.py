"""Use cases of the citizens' advice: the facilitators' draft texts and published versions.

Publishing builds the advice from the latest stored analysis result and the saved texts, and
stores it as version ``n + 1`` with its canonical Markdown and JSON. Published versions are
never changed afterwards: votes cast later change the next version, not this one.
"""

from __future__ import annotations

import dataclasses

from deliberate.advice import ConsultationTexts, draft_advice, render_markdown
from deliberate.advice.verify import check_ledger
from deliberate.advice.wording import Phrasebook
from deliberate.analysis.result import AnalysisResult
from deliberate.domain.publications import AdviceTexts, PublishedAdvice, clean_advice_text
from deliberate.errors import Conflict, InvalidInput
from deliberate.service.base import require
from deliberate.service.records import RecordUseCases
from deliberate.store import advice as advice_rows
from deliberate.store import margins as margin_rows
from deliberate.store import results as result_rows
from deliberate.worker import analyse_snapshot

__all__ = ["PublishingUseCases"]

_LANGUAGES = frozenset({"nl", "en"})


class PublishingUseCases(RecordUseCases):
    """Draft texts of the advice, and its immutable published versions."""

    def save_advice_texts(
        self,
        consultation_id: str,
        *,
        introduction: str,
        conclusions: str,
        facilitator_id: str | None = None,
    ) -> AdviceTexts:
        """Save the facilitators' introduction and conclusions (replacing the earlier draft)."""
        texts = AdviceTexts(
            consultation_id=consultation_id,
            introduction=clean_advice_text(introduction, "introduction"),
            conclusions=clean_advice_text(conclusions, "conclusions"),
            facilitator_id=facilitator_id,
            updated_at=self._now(),
        )
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            advice_rows.put_texts(connection, texts)
        return texts

    def advice_texts(self, consultation_id: str) -> AdviceTexts:
        """The saved draft texts (empty ones before the first save)."""
        with self.store.read() as connection:
            self._consultation(connection, consultation_id)
            return advice_rows.get_texts(connection, consultation_id)

    def publish_advice(
        self,
        consultation_id: str,
        *,
        facilitator_id: str | None = None,
        language: str | None = None,
    ) -> PublishedAdvice:
        """Publish the advice as the next version, built from the latest analysis and texts.

        The advice is drafted from the snapshot taken now, and every claim of its ledger is
        re-derived from that snapshot's votes (:func:`deliberate.advice.verify.check_ledger`).
        Raises :class:`Conflict` when there is no stored analysis result yet, and
        :class:`ClaimDoesNotHold`, naming the claim, when one claim does not hold.
        """
        with self.store.read() as connection:
            consultation = self._consultation(connection, consultation_id)
            stored = result_rows.latest_result(connection, consultation_id)
            texts = advice_rows.get_texts(connection, consultation_id)
            margins = margin_rows.get_margins(connection, consultation_id)
        if stored is None:
            raise Conflict("there is no analysis result yet; run the analysis before publishing")
        chosen = language or consultation.language
        if chosen not in _LANGUAGES:
            raise InvalidInput("the advice is available in Dutch (nl) and English (en)")
        # The frozen snapshot: analysed now, and every claim re-derived from its votes, so that the
        # published advice states exactly what these votes support and nothing else.
        snapshot = self.snapshot(consultation_id)
        result = AnalysisResult.from_json(
            analyse_snapshot(snapshot, self.settings, previous=stored.payload)
        )
        report = draft_advice(
            result,
            snapshot,
            language=chosen,
            texts=ConsultationTexts(
                question=consultation.question,
                introduction=texts.introduction,
                conclusions=texts.conclusions,
            ),
            privacy_k=self.settings.privacy_k,
            margins=margins,
            weight_cap=self.settings.weight_cap,
        )
        if report.ledger is not None:
            check_ledger(
                report.ledger,
                snapshot,
                privacy_k=self.settings.privacy_k,
                tally_weight=self.settings.tally_weight,
            )
        with self.store.write() as connection:
            version, now = advice_rows.next_version(connection, consultation_id), self._now()
            # Published means final: no "Concept" in the title, but its version and date.
            say = Phrasebook(chosen)
            title = say.say("document.published", version=version, date=say.date(now.date()))
            labels = {**report.labels, "document": say.say("document.final")}
            report = dataclasses.replace(report, title=title, labels=labels)
            markdown, report_json = render_markdown(report), report.to_json()
            published = PublishedAdvice(
                consultation_id=consultation_id,
                version=version,
                created_at=now,
                facilitator_id=facilitator_id,
                introduction=texts.introduction,
                conclusions=texts.conclusions,
                analysis_version=stored.version,
                language=chosen,
                markdown=markdown,
                report_json=report_json,
            )
            advice_rows.insert_published(connection, published)
        self._publish(
            "advice",
            {"consultation_id": consultation_id, "version": version, "published": True},
        )
        return published

    def list_published_advice(self, consultation_id: str) -> list[PublishedAdvice]:
        """Every published version of the advice, oldest first."""
        with self.store.read() as connection:
            self._consultation(connection, consultation_id)
            return advice_rows.list_published(connection, consultation_id)

    def get_published_advice(self, consultation_id: str, version: int) -> PublishedAdvice:
        """One published version; :class:`NotFound` when it does not exist."""
        with self.store.read() as connection:
            return require(
                advice_rows.get_published(connection, consultation_id, version),
                "version %(version)s of the advice does not exist",
                params={"version": version},
            )
