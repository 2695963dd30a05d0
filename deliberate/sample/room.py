"""The demo's evening in the community centre: one session with two tables.

Residents at the tables take part in three ways, as at a real city dialogue: some fill in a
paper form (entered afterwards, each form one participant), the host counts hands on a few
statements (tallies, never participants), and one table writes a statement of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np

from deliberate.domain.sessions import PhysicalSession, Table
from deliberate.domain.statements import ModerationStatus
from deliberate.sample import content
from deliberate.sample.opinions import OpinionModel, simulate_votes
from deliberate.service import Service

__all__ = [
    "FORMS_PER_TABLE",
    "TABLE_STATEMENT",
    "add_room_contributions",
    "create_demo_session",
]

FORMS_PER_TABLE = 4
TABLE_STATEMENT = (
    "Hang een AED aan de buitenmuur van het buurthuis, die je dag en nacht kunt pakken."
)
_HOSTS = (("Fatima el Amrani", "bij het raam"), ("Kees de Vries", "bij de bar"))
_ANSWERS = {1: "eens", -1: "oneens", 0: "weet niet"}
# Hands counted at table 1 on these demo statements (index in content.STATEMENTS of round 2).
_TALLIED = 2


def create_demo_session(
    service: Service, consultation_id: str
) -> tuple[PhysicalSession, tuple[Table, ...]]:
    """The session in buurthuis De Hoven with its two tables (the host code is not kept)."""
    session, _ = service.create_table_session(
        consultation_id,
        place="buurthuis De Hoven",
        held_on=date(2026, 3, 12),
        neighbourhood="De Hoven",
    )
    tables = tuple(
        service.add_table(session.session_id, number, host_name=host, name=name, form_count=20)
        for number, (host, name) in enumerate(_HOSTS, start=1)
    )
    return session, tables


def add_room_contributions(
    service: Service,
    session: PhysicalSession,
    tables: tuple[Table, ...],
    model: OpinionModel,
    statement_ids: Mapping[int, str],
    rng: np.random.Generator,
    facilitator_id: str,
) -> dict[str, int]:
    """Paper forms, tallies and a table statement for the open round.

    Returns the planted group of each paper-form participant, by participant id.
    """
    coded = {s.statement_id: s.code for s in service.form_statements(session.session_id)}
    index_of = {sid: index for index, sid in statement_ids.items() if sid in coded}
    planted = simulate_votes(model, FORMS_PER_TABLE * len(tables), random_state=rng)
    groups: dict[str, int] = {}
    for row in range(planted.labels.size):
        table = tables[row // FORMS_PER_TABLE]
        answers = {
            coded[sid]: _ANSWERS[int(planted.values[row, index])]
            for sid, index in index_of.items()
            if not np.isnan(planted.values[row, index])
        }
        if not answers:
            continue
        form_number = table.form_numbers[row % FORMS_PER_TABLE]
        entered = service.enter_form(session.session_id, table.number, form_number, answers)
        groups[entered.participant_ids[0]] = int(planted.labels[row])
    # A show of hands at table 1 on the first round-2 statements: most of the room agreed.
    for sid in list(index_of)[:_TALLIED]:
        stance = float(np.mean(content.STATEMENTS[index_of[sid]].stances))
        agree = round(8 * (1 + stance) / 2) + 1
        service.record_tally(
            session.session_id, tables[0].number, sid, agree=agree, disagree=9 - agree, passed=1
        )
    written = service.submit_table_statement(session.session_id, tables[1].number, TABLE_STATEMENT)
    service.moderate(written.statement_id, ModerationStatus.ACCEPTED, facilitator_id=facilitator_id)
    return groups
