"""The demo's evening in the community centre: one session with two tables.

Residents at the tables take part in three ways, as at a real city dialogue: some fill in a
paper form (entered afterwards, each form one participant), the host counts hands on a few
statements (tallies, never participants), and one table writes a statement of its own.

The people in the room live in De Hoven, and on a few statements that touch De Hoven itself they
think differently from the rest of the wijk (:data:`content.ROOM_VIEWS`). Their phone votes on
those statements, their forms and their hands are drawn from the planted groups with that local
view added (:func:`room_model`), so the analysis has a real room-versus-online difference to
find, with the noise of any other vote; nothing about the result is written in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

import numpy as np
import numpy.typing as npt

from deliberate.domain.sessions import PhysicalSession, Table
from deliberate.domain.statements import ModerationStatus
from deliberate.sample import content
from deliberate.sample.opinions import OpinionModel, PlantedVotes, draw_votes, simulate_votes
from deliberate.service import Service

__all__ = [
    "FORMS_PER_TABLE",
    "TABLE_STATEMENT",
    "TALLY_HANDS",
    "add_room_contributions",
    "create_demo_session",
    "room_model",
    "room_votes",
]

FORMS_PER_TABLE = 4
TABLE_STATEMENT = (
    "Hang een AED aan de buitenmuur van het buurthuis, die je dag en nacht kunt pakken."
)
_HOSTS = (("Fatima el Amrani", "bij het raam"), ("Kees de Vries", "bij de bar"))
_ANSWERS = {1: "eens", -1: "oneens", 0: "weet niet"}
# People around a table when the host asks for a show of hands.
TALLY_HANDS = 12


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


def room_model(model: OpinionModel) -> OpinionModel:
    """How residents in the room vote: ``model`` with De Hoven's local views added.

    Each group keeps its own stance, shifted by :data:`content.ROOM_VIEWS` on the statements
    that touch De Hoven (clipped to [-1, 1]), so the room differs where a local evening would.
    """
    stances = np.array(model.stances, dtype=np.float64)
    for index, statement in enumerate(content.STATEMENTS):
        shift = content.ROOM_VIEWS.get(statement.text, 0.0)
        stances[:, index] = np.clip(stances[:, index] + shift, -1.0, 1.0)
    return dataclasses.replace(model, stances=stances)


def room_votes(
    planted: PlantedVotes,
    in_room: npt.NDArray[np.bool_],
    model: OpinionModel,
    rng: np.random.Generator,
) -> PlantedVotes:
    """``planted`` with the votes of residents in the room redrawn from :func:`room_model`.

    Only the statements of :data:`content.ROOM_VIEWS` are redrawn: residents who voted with
    their phone at a table live in De Hoven too, and elsewhere they vote as before.
    """
    local = room_model(model)
    columns = np.array(
        [i for i, s in enumerate(content.STATEMENTS) if s.text in content.ROOM_VIEWS], dtype=np.intp
    )
    rows = np.flatnonzero(in_room)
    values = planted.values.copy()
    values[np.ix_(rows, columns)] = draw_votes(
        dataclasses.replace(local, stances=local.stances[:, columns]),
        planted.labels[rows],
        random_state=rng,
    )
    return PlantedVotes(labels=planted.labels, values=values)


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
    local = room_model(model)
    planted = simulate_votes(local, FORMS_PER_TABLE * len(tables), random_state=rng)
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
    # Each host counts hands on a statement the evening talked about most: a local one.
    talked_about = [
        sid
        for sid, index in index_of.items()
        if content.STATEMENTS[index].text in content.ROOM_VIEWS
    ]
    for table, sid in zip(tables, talked_about, strict=False):
        column = local.stances[:, [index_of[sid]]]
        show = dataclasses.replace(local, stances=column, density=1.0)
        hands = simulate_votes(show, TALLY_HANDS, random_state=rng).values[:, 0]
        service.record_tally(
            session.session_id,
            table.number,
            sid,
            agree=int(np.sum(hands == 1)),
            disagree=int(np.sum(hands == -1)),
            passed=int(np.sum(hands == 0)),
        )
    written = service.submit_table_statement(session.session_id, tables[1].number, TABLE_STATEMENT)
    service.moderate(written.statement_id, ModerationStatus.ACCEPTED, facilitator_id=facilitator_id)
    return groups
