"""Use cases of moderation: accept or reject a statement with a reason, and merge duplicates."""

from __future__ import annotations

import re
from collections.abc import Sequence

from deliberate.domain.statements import ModerationStatus, Statement, normalise_text
from deliberate.errors import Conflict, InvalidInput, NotFound
from deliberate.service.base import ServiceBase
from deliberate.store import participants as participant_rows
from deliberate.store import statements as statement_rows
from deliberate.store.statements import ModerationEntry

__all__ = [
    "MAX_REASON_LENGTH",
    "ModerationEntry",
    "ModerationUseCases",
]

MAX_REASON_LENGTH = 500


class ModerationUseCases(ServiceBase):
    """What moderators do. Every decision is logged with who made it, when and why."""

    def moderate(
        self,
        statement_id: str,
        status: ModerationStatus | str,
        *,
        reason: str = "",
        facilitator_id: str | None = None,
    ) -> Statement:
        """Accept or reject a statement (or put it back to pending); a rejection needs a reason.

        The status change and the log entry are written together or not at all (R-B5).
        """
        new_status = ModerationStatus(status)
        clean_reason = normalise_text(reason)
        # A reason says something: at least one letter or digit, not only punctuation.
        if new_status is ModerationStatus.REJECTED and not re.search(r"\w", clean_reason):
            raise InvalidInput("say why the statement is rejected")
        if len(clean_reason) > MAX_REASON_LENGTH:
            raise InvalidInput(
                "a reason may have at most %(max_reason_length)s characters",
                params={"max_reason_length": MAX_REASON_LENGTH},
            )
        with self.store.write() as connection:
            self._statement(connection, statement_id)
            statement_rows.set_moderation(connection, statement_id, new_status, clean_reason)
            statement_rows.insert_moderation_entry(
                connection,
                ModerationEntry(
                    statement_id, facilitator_id, new_status.value, clean_reason, self._now()
                ),
            )
            moderated = self._statement(connection, statement_id)
        self._publish(
            "moderation",
            {
                "consultation_id": moderated.consultation_id,
                "statement_id": statement_id,
                "status": new_status.value,
            },
        )
        return moderated

    def merge_statements(
        self, statement_id: str, into_id: str, *, facilitator_id: str | None = None
    ) -> Statement:
        """Merge ``statement_id`` into ``into_id``.

        The merged statement leaves routing and analysis; its votes stay stored and
        attributable to it, and ``merged_into`` records where it went.
        """
        if statement_id == into_id:
            raise InvalidInput("a statement cannot be merged into itself")
        with self.store.write() as connection:
            source = self._statement(connection, statement_id)
            target = self._statement(connection, into_id)
            if source.consultation_id != target.consultation_id:
                raise NotFound("this statement does not exist")
            if target.merged_into is not None:
                raise Conflict("the target statement was itself merged; merge into its target")
            if source.merged_into is not None:
                raise Conflict("this statement was already merged")
            statement_rows.set_merged_into(connection, statement_id, into_id)
            statement_rows.insert_moderation_entry(
                connection,
                ModerationEntry(statement_id, facilitator_id, "merge", into_id, self._now()),
            )
            merged = self._statement(connection, statement_id)
        self._publish(
            "moderation",
            {
                "consultation_id": merged.consultation_id,
                "statement_id": statement_id,
                "merged_into": into_id,
            },
        )
        return merged

    def quarantine_participants(
        self,
        consultation_id: str,
        participant_ids: Sequence[str],
        *,
        quarantined: bool = True,
        facilitator_id: str | None = None,
    ) -> int:
        """Mark participants as quarantined (or release them); return how many changed.

        Quarantined participants (for example flagged by the Sybil signals) keep their votes,
        but snapshots mark them so that the analysis can leave them out and say so in the report.
        """
        ids = list(dict.fromkeys(participant_ids))
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            changed = participant_rows.set_quarantined(
                connection, consultation_id, ids, quarantined
            )
        if changed:
            self._publish(
                "moderation",
                {
                    "consultation_id": consultation_id,
                    "quarantined": quarantined,
                    "count": changed,
                    "facilitator_id": facilitator_id,
                },
            )
        return changed

    def moderation_history(self, statement_id: str) -> list[ModerationEntry]:
        """Every moderation decision on a statement, oldest first."""
        with self.store.read() as connection:
            self._statement(connection, statement_id)
            return statement_rows.list_moderation_entries(connection, statement_id)
