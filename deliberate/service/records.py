"""Use cases over whole records: the analysis snapshot, analysis results, exports and erasure."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from deliberate.domain.participants import Participant
from deliberate.domain.results import StoredAnalysis
from deliberate.domain.statements import Statement, normalise_text
from deliberate.errors import InvalidInput
from deliberate.service.snapshots import SnapshotUseCases
from deliberate.store import Connection
from deliberate.store import consultations as consultation_rows
from deliberate.store import participants as participant_rows
from deliberate.store import results as result_rows
from deliberate.store import statements as statement_rows
from deliberate.store import votes as vote_rows

__all__ = [
    "CONSULTATION_EXPORT_SCHEMA",
    "MAX_REASON_LENGTH",
    "PARTICIPANT_EXPORT_SCHEMA",
    "RecordUseCases",
]

PARTICIPANT_EXPORT_SCHEMA = "deliberate.participant-export/1"
CONSULTATION_EXPORT_SCHEMA = "deliberate.consultation/1"
MAX_REASON_LENGTH = 200


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _statement_json(statement: Statement, *, strict: bool) -> dict[str, Any]:
    return {
        "statement_id": statement.statement_id,
        "round_id": statement.round_id,
        "text": statement.text,
        "author_id": statement.author_id,
        "seeded": statement.seeded,
        "origin": statement.origin,
        "status": statement.status.value,
        "reason": statement.reason,
        "merged_into": statement.merged_into,
        "included": statement.is_included(strict_moderation=strict),
        "created_at": _time(statement.created_at),
    }


def _participant_json(participant: Participant) -> dict[str, Any]:
    return {
        "participant_id": participant.participant_id,
        "consultation_id": participant.consultation_id,
        "channel": participant.channel,
        "attributes": dict(participant.attributes),
        "joined_at": _time(participant.joined_at),
    }


class RecordUseCases(SnapshotUseCases):
    """Snapshots for the analysis, analysis results, and the data-subject rights (R-D2, R-D3)."""

    def store_analysis(self, consultation_id: str, payload: bytes) -> StoredAnalysis:
        """Store a new analysis result version and make it the latest, atomically."""
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            now = self._now()
            version = result_rows.put_result(connection, consultation_id, bytes(payload), now)
        self._publish("analysis", {"consultation_id": consultation_id, "version": version})
        return StoredAnalysis(consultation_id, version, now, bytes(payload))

    def latest_analysis(self, consultation_id: str) -> StoredAnalysis | None:
        """The latest stored analysis result, or ``None`` before the first one."""
        with self.store.read() as connection:
            return result_rows.latest_result(connection, consultation_id)

    def get_analysis(self, consultation_id: str, version: int) -> StoredAnalysis | None:
        """One stored analysis result version, or ``None``."""
        with self.store.read() as connection:
            return result_rows.get_result(connection, consultation_id, version)

    def export_participant(self, participant_id: str) -> dict[str, Any]:
        """Everything stored about one participant, as JSON-ready data (R-D2).

        Exactly their own records: the participant row, consent, the statements they wrote,
        their current votes and their vote history, and their opinion group in the latest
        analysis when there is one.
        """
        with self.store.read() as connection:
            participant = self._participant(connection, participant_id)
            consultation = self._consultation(connection, participant.consultation_id)
            statements = statement_rows.list_statements(
                connection, participant.consultation_id, author_id=participant_id
            )
            votes = vote_rows.list_votes(connection, participant_id)
            history = vote_rows.list_vote_events(connection, participant_id)
            latest = result_rows.latest_result(connection, participant.consultation_id)
            # Each vote names the text voted on: an id with 1 or -1 says nothing to a resident.
            every = statement_rows.list_statements(connection, participant.consultation_id)
        text = {s.statement_id: s.text for s in every}
        strict = consultation.strict_moderation
        return {
            "schema": PARTICIPANT_EXPORT_SCHEMA,
            "participant": _participant_json(participant),
            "consent": (
                {
                    "version": participant.consent.version,
                    "given_at": _time(participant.consent.given_at),
                }
                if participant.consent
                else None
            ),
            "statements": [_statement_json(s, strict=strict) for s in statements],
            "votes": [
                {
                    "statement_id": v.statement_id,
                    "text": text.get(v.statement_id, ""),
                    "round_id": v.round_id,
                    "value": int(v.value),
                    "updated_at": _time(v.updated_at),
                }
                for v in votes
            ],
            "vote_history": [
                {
                    "statement_id": e.statement_id,
                    "text": text.get(e.statement_id, ""),
                    "round_id": e.round_id,
                    "value": int(e.value),
                    "created_at": _time(e.created_at),
                }
                for e in history
            ],
            "group": _group_of(latest, participant_id),
        }

    def erase_participant(
        self, participant_id: str, *, reason: str = "requested by the participant"
    ) -> datetime:
        """Remove every row that references the pseudonym, in one transaction (R-D3).

        Votes, vote history and idempotency keys are deleted; statements they wrote stay
        without an author; stored analysis results lose the pseudonym (group sizes and other
        aggregates stay). A tombstone keeps only the time and the reason. On SQLite the rows are
        overwritten in the file and the write-ahead log is emptied. Returns the time.
        """
        clean_reason = normalise_text(reason)
        if not clean_reason or len(clean_reason) > MAX_REASON_LENGTH:
            raise InvalidInput(
                "an erasure reason has 1 to %(max_reason_length)s characters",
                params={"max_reason_length": MAX_REASON_LENGTH},
            )
        with self.store.write() as connection:
            participant = self._participant(connection, participant_id)
            now = self._now()
            self._strip_pseudonyms(
                connection, participant.consultation_id, frozenset({participant_id})
            )
            participant_rows.remove_personal_records(
                connection,
                participant.consultation_id,
                participant_id,
                at=now,
                reason=clean_reason,
            )
        self.store.checkpoint()
        self._publish(
            "participants", {"consultation_id": participant.consultation_id, "erased": True}
        )
        return now

    @staticmethod
    def _strip_pseudonyms(
        connection: Connection,
        consultation_id: str,
        pseudonyms: frozenset[str],
        *,
        write: bool = True,
    ) -> int:
        """Remove ``pseudonyms`` from the consultation's stored analysis results.

        Group sizes and every other aggregate stay. Returns how many result versions changed
        (with ``write=False``: would change).
        """
        if not pseudonyms:
            return 0
        finder = _Pseudonyms(pseudonyms)
        return result_rows.rewrite_results(
            connection,
            consultation_id,
            lambda payload: _without_participants(payload, finder),
            write=write,
        )

    def export_consultation(self, consultation_id: str) -> dict[str, Any]:
        """The whole consultation as JSON-ready data: everything the analysis needs."""
        with self.store.read() as connection:
            consultation = self._consultation(connection, consultation_id)
            rounds = consultation_rows.list_rounds(connection, consultation_id)
            statements = statement_rows.list_statements(connection, consultation_id)
            participants = participant_rows.list_participants(connection, consultation_id)
            votes = vote_rows.list_consultation_votes(connection, consultation_id)
        strict = consultation.strict_moderation
        return {
            "schema": CONSULTATION_EXPORT_SCHEMA,
            "consultation": {
                "consultation_id": consultation.consultation_id,
                "join_code": consultation.join_code,
                "question": consultation.question,
                "description": consultation.description,
                "language": consultation.language,
                "strict_moderation": strict,
                "created_at": _time(consultation.created_at),
            },
            "rounds": [
                {
                    "round_id": r.round_id,
                    "position": r.position,
                    "title": r.title,
                    "phase": r.phase.value,
                    "opened_at": _time(r.opened_at),
                    "closed_at": _time(r.closed_at),
                    "published_at": _time(r.published_at),
                }
                for r in rounds
            ],
            "statements": [_statement_json(s, strict=strict) for s in statements],
            "participants": [
                {
                    **{k: v for k, v in _participant_json(p).items() if k != "consultation_id"},
                    "quarantined": p.quarantined,
                }
                for p in participants
            ],
            "votes": [
                {
                    "participant_id": v.participant_id,
                    "statement_id": v.statement_id,
                    "value": int(v.value),
                    "updated_at": _time(v.updated_at),
                }
                for v in votes
            ],
        }


def _group_of(latest: StoredAnalysis | None, participant_id: str) -> int | None:
    """The participant's group id in an AnalysisResult payload (DESIGN.md §4), if present."""
    if latest is None:
        return None
    try:
        data = json.loads(latest.payload)
        for group in data.get("groups", []):
            if participant_id in group.get("participants", []):
                return int(group["id"])
    except (ValueError, TypeError, AttributeError, KeyError):
        return None
    return None


class _Pseudonyms:
    """Finds a set of pseudonyms in bytes and blanks them out, in one pass however many there are.

    Pseudonyms are hex (:func:`~deliberate.domain.consultations.new_id`), so each mention lies
    inside a run of hex digits at least as long as the pseudonym: one regex finds the runs and a
    set lookup checks them, so a purge of thousands costs what one erasure does. Any pseudonym
    that is not hex is looked for on its own.
    """

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names
        encoded = {name.encode() for name in names if name}
        self._hex = frozenset(name for name in encoded if re.fullmatch(rb"[0-9a-f]+", name))
        self._other = tuple(sorted(encoded - self._hex))
        self._sizes = sorted({len(name) for name in self._hex})
        self._runs = re.compile(rb"[0-9a-f]{%d,}" % self._sizes[0]) if self._sizes else None

    def _inside(self, run: bytes) -> list[bytes]:
        if run in self._hex:
            return [run]
        return [
            run[start : start + size]
            for size in self._sizes
            if size < len(run)
            for start in range(len(run) - size + 1)
            if run[start : start + size] in self._hex
        ]

    def found_in(self, payload: bytes) -> bool:
        """Whether ``payload`` mentions any of the pseudonyms."""
        if any(name in payload for name in self._other):
            return True
        runs = self._runs.finditer(payload) if self._runs else ()
        return any(self._inside(match.group()) for match in runs)

    def blanked(self, payload: bytes) -> bytes:
        """``payload`` with every mention of a pseudonym replaced by ``erased``."""

        def blank(match: re.Match[bytes]) -> bytes:
            run = match.group()
            for name in self._inside(run):
                run = run.replace(name, b"erased")
            return run

        if self._runs is not None:
            payload = self._runs.sub(blank, payload)
        for name in self._other:
            payload = payload.replace(name, b"erased")
        return payload


def _without_participants(payload: bytes, pseudonyms: _Pseudonyms) -> bytes:
    """``payload`` without the pseudonyms; the very same bytes when it mentions none of them.

    In an AnalysisResult (DESIGN.md §4) they leave the groups' member lists and the map, and any
    other mention becomes ``erased``; group sizes and every other figure stay as they were.
    """
    if not pseudonyms.found_in(payload):
        return payload
    try:
        data = json.loads(payload)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        # Not the documented JSON shape: blank the pseudonyms out byte for byte.
        return pseudonyms.blanked(payload)
    for group in data.get("groups", []) if isinstance(data.get("groups"), list) else []:
        if isinstance(group, dict) and isinstance(group.get("participants"), list):
            group["participants"] = [p for p in group["participants"] if p not in pseudonyms.names]
    if isinstance(data.get("projection"), dict):
        for participant_id in pseudonyms.names:
            data["projection"].pop(participant_id, None)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return pseudonyms.blanked(text.encode())
