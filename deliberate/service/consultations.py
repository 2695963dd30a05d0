"""Use cases of consultations and rounds: create, edit, and move rounds through their phases."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from deliberate.domain.consultations import Consultation, new_id, new_join_code
from deliberate.domain.facilitators import Role
from deliberate.domain.rounds import Phase, Round, check_transition
from deliberate.domain.statements import normalise_paragraphs, normalise_text
from deliberate.errors import AlreadyExists, InvalidInput, NotFound
from deliberate.service.base import ServiceBase, require
from deliberate.store import Connection
from deliberate.store import consultations as consultation_rows
from deliberate.store import facilitators as facilitator_rows

__all__ = [
    "MAX_DESCRIPTION_LENGTH",
    "MAX_QUESTION_LENGTH",
    "SUPPORTED_LANGUAGES",
    "Activity",
    "ConsultationUseCases",
]

MAX_QUESTION_LENGTH = 500
MAX_DESCRIPTION_LENGTH = 10_000
SUPPORTED_LANGUAGES = frozenset({"nl", "en"})


_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Activity:
    """A consultation at a glance: who joined, the votes that count now, statements waiting."""

    participants: int
    votes: int
    pending: int


def _clean_question(question: str) -> str:
    text = normalise_text(question)
    if not _WORD.search(text):  # a question of only punctuation or spaces asks nothing
        raise InvalidInput("a consultation needs a question")
    if len(text) > MAX_QUESTION_LENGTH:
        raise InvalidInput(
            "a question may have at most %(max_question_length)s characters",
            params={"max_question_length": MAX_QUESTION_LENGTH},
        )
    return text


def _clean_description(description: str) -> str:
    text = normalise_paragraphs(description)
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise InvalidInput(
            "a description may have at most %(max_description_length)s characters",
            params={"max_description_length": MAX_DESCRIPTION_LENGTH},
        )
    return text


def _clean_language(language: str) -> str:
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInput(
            "language must be one of %(languages)s",
            params={"languages": ", ".join(sorted(SUPPORTED_LANGUAGES))},
        )
    return language


class ConsultationUseCases(ServiceBase):
    """Create and edit consultations; create rounds and open, close and publish them."""

    def create_consultation(
        self,
        question: str,
        *,
        description: str = "",
        language: str = "nl",
        strict_moderation: bool = True,
        owner_id: str | None = None,
        join_code: str | None = None,
    ) -> Consultation:
        """Create a consultation with a fresh join code; ``owner_id`` becomes its owner.

        Moderation is strict unless asked otherwise: a resident's statement reaches other
        residents, the paper forms and the analysis only once a facilitator accepted it.

        Raises
        ------
        InvalidInput
            For an empty or over-long question, an unknown language or a malformed join code.
        AlreadyExists
            When an explicit ``join_code`` is already in use.
        """
        with self.store.write() as connection:
            if join_code is None:
                join_code = new_join_code()
                while consultation_rows.join_code_taken(connection, join_code):
                    join_code = new_join_code()
            else:
                join_code = self._check_join_code(connection, join_code)
            if owner_id is not None and not facilitator_rows.get_facilitator(connection, owner_id):
                raise NotFound("this facilitator does not exist")
            consultation = Consultation(
                consultation_id=new_id(),
                join_code=join_code,
                question=_clean_question(question),
                description=_clean_description(description),
                language=_clean_language(language),
                strict_moderation=strict_moderation,
                created_at=self._now(),
            )
            consultation_rows.insert_consultation(connection, consultation)
            if owner_id is not None:
                facilitator_rows.set_role(
                    connection, owner_id, consultation.consultation_id, Role.OWNER
                )
        self._publish("consultations", {"consultation_id": consultation.consultation_id})
        return consultation

    @staticmethod
    def _check_join_code(connection: Connection, join_code: str) -> str:
        code = join_code.strip().upper()
        if not 4 <= len(code) <= 16 or not code.isalnum():
            raise InvalidInput("a join code has 4 to 16 letters and digits")
        if consultation_rows.join_code_taken(connection, code):
            raise AlreadyExists("join code %(code)s is already in use", params={"code": code})
        return code

    def edit_consultation(
        self,
        consultation_id: str,
        *,
        question: str | None = None,
        description: str | None = None,
        language: str | None = None,
        strict_moderation: bool | None = None,
    ) -> Consultation:
        """Change the given fields of a consultation; the join code never changes."""
        with self.store.write() as connection:
            current = self._consultation(connection, consultation_id)
            changed = replace(
                current,
                question=_clean_question(question) if question is not None else current.question,
                description=(
                    _clean_description(description)
                    if description is not None
                    else current.description
                ),
                language=_clean_language(language) if language is not None else current.language,
                strict_moderation=(
                    strict_moderation
                    if strict_moderation is not None
                    else current.strict_moderation
                ),
            )
            consultation_rows.update_consultation(connection, changed)
        self._publish("consultations", {"consultation_id": consultation_id})
        return changed

    def get_consultation(self, consultation_id: str) -> Consultation:
        """The consultation with this id; :class:`NotFound` otherwise."""
        with self.store.read() as connection:
            return self._consultation(connection, consultation_id)

    def find_consultation(self, join_code: str) -> Consultation:
        """The consultation a participant joins with ``join_code`` (case-insensitive)."""
        with self.store.read() as connection:
            found = consultation_rows.get_consultation_by_join_code(
                connection, join_code.strip().upper()
            )
        return require(found, "no consultation has this code")

    def list_consultations(self) -> list[Consultation]:
        """Every consultation, oldest first."""
        with self.store.read() as connection:
            return consultation_rows.list_consultations(connection)

    def activity(self, consultation_id: str) -> Activity:
        """Participants, current votes and statements waiting for moderation, counted."""
        with self.store.read() as connection:
            self._consultation(connection, consultation_id)
            joined, cast, waiting = consultation_rows.count_activity(connection, consultation_id)
        return Activity(participants=joined, votes=cast, pending=waiting)

    def create_round(self, consultation_id: str, title: str) -> Round:
        """Add a draft round after the consultation's existing rounds."""
        clean_title = normalise_text(title)
        if not clean_title or len(clean_title) > MAX_QUESTION_LENGTH:
            raise InvalidInput(
                "a round title has 1 to %(max_question_length)s characters",
                params={"max_question_length": MAX_QUESTION_LENGTH},
            )
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            existing = consultation_rows.list_rounds(connection, consultation_id)
            round_ = Round(
                round_id=new_id(),
                consultation_id=consultation_id,
                position=len(existing) + 1,
                title=clean_title,
                phase=Phase.DRAFT,
                created_at=self._now(),
            )
            consultation_rows.insert_round(connection, round_)
        self._publish_round(round_)
        return round_

    def open_round(self, round_id: str) -> Round:
        """Open a draft round for statements and votes."""
        return self._move_round(round_id, Phase.OPEN)

    def close_round(self, round_id: str) -> Round:
        """Close an open round: no more statements or votes; its data becomes the advice's basis."""
        return self._move_round(round_id, Phase.CLOSED)

    def publish_round(self, round_id: str) -> Round:
        """Publish a closed round's results."""
        return self._move_round(round_id, Phase.PUBLISHED)

    def get_round(self, round_id: str) -> Round:
        """The round with this id; :class:`NotFound` otherwise."""
        with self.store.read() as connection:
            return self._round(connection, round_id)

    def list_rounds(self, consultation_id: str) -> list[Round]:
        """The rounds of a consultation in order."""
        with self.store.read() as connection:
            self._consultation(connection, consultation_id)
            return consultation_rows.list_rounds(connection, consultation_id)

    def current_round(self, consultation_id: str) -> Round | None:
        """The open round with the highest position, or ``None`` when no round is open."""
        open_rounds = [r for r in self.list_rounds(consultation_id) if r.phase is Phase.OPEN]
        return open_rounds[-1] if open_rounds else None

    def _move_round(self, round_id: str, target: Phase) -> Round:
        with self.store.write() as connection:
            current = self._round(connection, round_id)
            check_transition(current.phase, target)
            now = self._now()
            consultation_rows.set_round_phase(connection, round_id, target, now)
            moved = self._round(connection, round_id)
        self._publish_round(moved)
        return moved

    def _publish_round(self, round_: Round) -> None:
        self._publish(
            "rounds",
            {
                "consultation_id": round_.consultation_id,
                "round_id": round_.round_id,
                "phase": round_.phase.value,
            },
        )
