"""R-A4: the vote store against a model dictionary (Hypothesis rule-based state machine).

Rules: join, cast, change, pass, close the round (and open a new one), erase a participant.
After every step the store's current positions and the snapshot's vote matrix must equal the
model's. Runs on SQLite and, when configured, PostgreSQL. ``HYPOTHESIS_PROFILE=nightly`` runs
500 examples of 50 steps instead of 25 × 30.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text
from store.databases import clock, database_url, postgres_database, service_factory
from support import HYPOTHESIS_PROFILE, examples

from deliberate.domain import Phase, Vote
from deliberate.errors import InvalidTransition, NotFound, PhaseNotAllowed
from deliberate.service import Service

__all__ = ["clock", "database_url", "postgres_database", "service_factory"]

# 25 × 30 keeps CI near 15 s per database on two shared cores; nightly runs 500 × 50.
MACHINE_SETTINGS = settings(
    max_examples=examples(25),
    stateful_step_count=50 if HYPOTHESIS_PROFILE == "nightly" else 30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CURRENT_POSITIONS = text(
    "SELECT v.participant_id, v.statement_id, v.value FROM votes v "
    "JOIN statements s ON s.statement_id = v.statement_id WHERE s.consultation_id = :c"
)
VOTES = st.sampled_from([Vote.AGREE, Vote.DISAGREE, Vote.PASS])


def _machine(service: Service) -> type[RuleBasedStateMachine]:
    class VoteStoreMachine(RuleBasedStateMachine):
        participants = Bundle("participants")

        def __init__(self) -> None:
            super().__init__()
            # Every example gets its own consultation: the database is shared, the model is not.
            consultation = service.create_consultation("Hoe maken we onze wijk groener?")
            self.consultation_id = consultation.consultation_id
            self.model: dict[tuple[str, str], Vote] = {}
            self.alive: set[str] = set()
            self.statements: list[str] = []
            self.open_statements: set[str] = set()
            self.round_id = ""
            self._new_round()

        def _new_round(self) -> None:
            number = len(self.statements) // 2 + 1
            round_ = service.create_round(self.consultation_id, f"Ronde {number}")
            seeded = service.seed_statements(
                self.consultation_id,
                [f"Stelling {number}a over de wijk", f"Stelling {number}b over de wijk"],
                round_id=round_.round_id,
            )
            service.open_round(round_.round_id)
            self.round_id = round_.round_id
            ids = [statement.statement_id for statement in seeded]
            self.statements.extend(ids)
            self.open_statements = set(ids)

        @rule(target=participants)
        def join(self) -> str:
            participant = service.join(self.consultation_id, consent_version="2026-11")
            self.alive.add(participant.participant_id)
            return participant.participant_id

        def _cast(self, participant_id: str, index: int, value: Vote) -> None:
            statement_id = self.statements[index % len(self.statements)]
            if participant_id not in self.alive:
                with pytest.raises(NotFound):
                    service.cast_vote(participant_id, statement_id, value)
            elif statement_id not in self.open_statements:
                with pytest.raises(PhaseNotAllowed):
                    service.cast_vote(participant_id, statement_id, value)
            else:
                record = service.cast_vote(participant_id, statement_id, value)
                assert record.value == value
                assert record.changed == (self.model.get((participant_id, statement_id)) != value)
                self.model[participant_id, statement_id] = value

        @rule(participant_id=participants, index=st.integers(0, 20), value=VOTES)
        def cast(self, participant_id: str, index: int, value: Vote) -> None:
            self._cast(participant_id, index, value)

        @precondition(lambda self: bool(self.model))
        @rule(data=st.data())
        def change(self, data: st.DataObject) -> None:
            participant_id, statement_id = data.draw(st.sampled_from(sorted(self.model)))
            current = self.model[participant_id, statement_id]
            new = data.draw(st.sampled_from([v for v in Vote if v != current]))
            self._cast(participant_id, self.statements.index(statement_id), new)

        @rule(participant_id=participants, index=st.integers(0, 20))
        def pass_statement(self, participant_id: str, index: int) -> None:
            self._cast(participant_id, index, Vote.PASS)

        @rule()
        def close_round(self) -> None:
            if not self.open_statements:  # already closed: the phase machine refuses
                with pytest.raises(InvalidTransition):
                    service.close_round(self.round_id)
                return
            closed = service.close_round(self.round_id)
            assert closed.phase is Phase.CLOSED
            self.open_statements = set()

        @precondition(lambda self: not self.open_statements)
        @rule()
        def open_next_round(self) -> None:
            self._new_round()

        @rule(participant_id=consumes(participants))
        def erase(self, participant_id: str) -> None:
            if participant_id not in self.alive:
                return
            service.erase_participant(participant_id)
            self.alive.discard(participant_id)
            self.model = {k: v for k, v in self.model.items() if k[0] != participant_id}

        @invariant()
        def store_equals_model(self) -> None:
            with service.store.read() as connection:
                rows = connection.execute(CURRENT_POSITIONS, {"c": self.consultation_id}).all()
            assert {(p, s): Vote(v) for p, s, v in rows} == self.model
            snapshot = service.snapshot(self.consultation_id)
            matrix = {(v.participant_id, v.statement_id): v.value for v in snapshot.votes}
            assert matrix == self.model
            assert {p.participant_id for p in snapshot.participants} == self.alive

    return VoteStoreMachine


def test_vote_store_matches_model(service_factory: Callable[..., Service]) -> None:
    run_state_machine_as_test(_machine(service_factory()), settings=MACHINE_SETTINGS)
