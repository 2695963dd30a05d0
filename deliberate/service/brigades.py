"""Use cases of brigade detection: find suspect clusters, quarantine them or release them.

Detection reads the consultation's participants (join times), current votes (when each was first
cast) and statements (length, author, time) and runs :func:`detect_brigades`. It flags; it never
quarantines by itself: a facilitator reads the evidence and decides, and a release undoes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from deliberate.analysis.brigading import (
    Activity,
    BrigadeParams,
    BrigadeReport,
    SuspectCluster,
    detect_brigades,
)
from deliberate.domain.participants import Participant
from deliberate.domain.statements import Statement
from deliberate.service.base import ServiceBase
from deliberate.store import participants as participant_rows
from deliberate.store import statements as statement_rows
from deliberate.store import votes as vote_rows

__all__ = ["BrigadeReport", "BrigadeUseCases", "SuspectCluster", "activity_of"]


class BrigadeUseCases(ServiceBase):
    """Brigade detection over the store; quarantine itself is :meth:`quarantine_participants`."""

    def find_brigades(
        self, consultation_id: str, params: BrigadeParams | None = None
    ) -> BrigadeReport:
        """The suspect clusters of a consultation, quarantined participants included.

        Pushed statements in the clusters are statement indexes into :meth:`list_statements`
        order (by creation).
        """
        with self.store.read() as connection:
            self._consultation(connection, consultation_id)
            people = participant_rows.list_participants(connection, consultation_id)
            votes = vote_rows.vote_times(connection, consultation_id)
            statements = statement_rows.list_statements(connection, consultation_id)
        return detect_brigades(activity_of(people, votes, statements), params)

    def quarantined_participants(self, consultation_id: str) -> frozenset[str]:
        """The participants of a consultation that are in quarantine now."""
        with self.store.read() as connection:
            self._consultation(connection, consultation_id)
            people = participant_rows.list_participants(connection, consultation_id)
        return frozenset(p.participant_id for p in people if p.quarantined)


def _seconds(moment: datetime) -> float:
    return moment.timestamp()


def activity_of(
    people: Sequence[Participant],
    votes: Sequence[tuple[str, str, int, datetime]],
    statements: Sequence[Statement],
) -> Activity:
    """The detector's arrays from stored rows (votes of unknown people or statements dropped)."""
    person = {p.participant_id: i for i, p in enumerate(people)}
    statement = {s.statement_id: i for i, s in enumerate(statements)}
    known = [v for v in votes if v[0] in person and v[1] in statement]
    authored = [s for s in statements if s.author_id in person]
    return Activity(
        participant_ids=[p.participant_id for p in people],
        vote_participant=np.array([person[v[0]] for v in known], dtype=np.int64),
        vote_statement=np.array([statement[v[1]] for v in known], dtype=np.int64),
        vote_value=np.array([v[2] for v in known], dtype=np.int8),
        vote_time=np.array([_seconds(v[3]) for v in known], dtype=np.float64),
        statement_words=np.array([len(s.text.split()) for s in statements], dtype=np.int64),
        joined_at=np.array([_seconds(p.joined_at) for p in people], dtype=np.float64),
        statement_author=np.array([person[s.author_id or ""] for s in authored], dtype=np.int64),
        statement_time=np.array([_seconds(s.created_at) for s in authored], dtype=np.float64),
    )
