"""The demo consultation "Hoe maken we onze wijk groener en veiliger?", built through the service.

Round 1 is closed, round 2 is open and round 3 is a draft. A few hundred simulated residents
(online and at the two tables of an evening in buurthuis De Hoven) voted according to four
planted opinion groups, one of them a small minority of young people with a strong view of
their own. The evening also brought paper forms, a show of hands and a statement written at a
table (:mod:`deliberate.sample.room`). Loading it twice does not duplicate anything: the
consultation is found by its join code.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import numpy.typing as npt

from deliberate.domain.facilitators import Role
from deliberate.domain.statements import ModerationStatus
from deliberate.errors import NotFound
from deliberate.sample import content
from deliberate.sample.opinions import OpinionModel, simulate_votes
from deliberate.sample.room import add_room_contributions, create_demo_session, room_votes
from deliberate.service import Service

__all__ = [
    "DEMO_JOIN_CODE",
    "DEMO_POPULATION",
    "DEMO_USERNAME",
    "TABLE_SHARE",
    "DemoInfo",
    "build_demo_consultation",
]

DEMO_JOIN_CODE = "GROEN"
DEMO_USERNAME = "demo"
# Table participants are a minority of the sample, as at a real evening in the community centre.
TABLE_SHARE = 0.1
DEMO_POPULATION = resources.files("deliberate.data").joinpath("demo-population.csv")


@dataclass(frozen=True, slots=True)
class DemoInfo:
    """What :func:`build_demo_consultation` created (or found).

    ``planted_groups`` maps participant id to the index in :data:`content.GROUPS` of the group
    their votes were drawn from; it is empty when the consultation already existed.
    """

    consultation_id: str
    join_code: str
    round_ids: tuple[str, ...]
    facilitator_username: str
    facilitator_password: str
    created: bool
    n_participants: int
    n_statements: int
    n_votes: int
    planted_groups: Mapping[str, int] = field(default_factory=dict)
    group_names: tuple[str, ...] = tuple(group.name for group in content.GROUPS)


def build_demo_consultation(
    service: Service, *, seed: int = 0, n_participants: int = 300, density: float = 0.6
) -> DemoInfo:
    """Load the demo consultation into ``service``'s store, or find it when already there.

    The demo facilitator gets a fresh random password on every call (it is printed by
    ``deliberate sample`` and ``deliberate demo``), so the printed one always works.
    """
    password = _demo_password()
    facilitator_id = _demo_facilitator(service, password)
    try:
        existing = service.find_consultation(DEMO_JOIN_CODE)
    except NotFound:
        existing = None
    if existing is not None:
        service.grant_role(facilitator_id, existing.consultation_id, Role.OWNER)
        snapshot = service.snapshot(existing.consultation_id)
        rounds = service.list_rounds(existing.consultation_id)
        return DemoInfo(
            consultation_id=existing.consultation_id,
            join_code=existing.join_code,
            round_ids=tuple(r.round_id for r in rounds),
            facilitator_username=DEMO_USERNAME,
            facilitator_password=password,
            created=False,
            n_participants=len(snapshot.participants),
            n_statements=len(snapshot.statements),
            n_votes=len(snapshot.votes),
        )
    return _build(service, facilitator_id, password, seed, n_participants, density)


def _demo_password() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(3))


def _demo_facilitator(service: Service, password: str) -> str:
    try:
        facilitator = service.find_facilitator(DEMO_USERNAME)
    except NotFound:
        return service.create_facilitator(DEMO_USERNAME, password).facilitator_id
    service.change_password(facilitator.facilitator_id, password)
    return facilitator.facilitator_id


def _build(
    service: Service,
    facilitator_id: str,
    password: str,
    seed: int,
    n_participants: int,
    density: float,
) -> DemoInfo:
    rng = np.random.default_rng(seed)
    consultation = service.create_consultation(
        content.QUESTION,
        description=content.DESCRIPTION,
        owner_id=facilitator_id,
        join_code=DEMO_JOIN_CODE,
        strict_moderation=True,  # as in a real evening: residents see only accepted statements
    )
    cid = consultation.consultation_id
    rounds = [service.create_round(cid, title) for title in content.ROUNDS]
    model = OpinionModel(
        group_shares=[group.share for group in content.GROUPS],
        stances=np.array([s.stances for s in content.STATEMENTS]).T,
        density=density,
        pass_rate=0.15,
        noise=0.08,
    )
    planted = simulate_votes(model, n_participants, random_state=rng)
    session, tables = create_demo_session(service, cid)
    channels = tuple(table.channel for table in tables)
    participant_ids, in_room = _join_all(service, cid, planted.labels, rng, channels)
    # The neighbourhood's residents aged 16 and over, per wijk and age band (made-up figures in
    # the shape of CBS's "Kerncijfers wijken en buurten"), so the advice can weigh its findings.
    service.set_population_margins(cid, DEMO_POPULATION.read_bytes())
    # Residents at the tables live in De Hoven: on local matters their phones vote like it.
    planted = room_votes(planted, in_room, model, rng)

    statement_ids: dict[int, str] = {}
    for number, round_ in enumerate(rounds[:2], start=1):
        indices = [i for i, s in enumerate(content.STATEMENTS) if s.round == number]
        seeded = [i for i in indices if content.STATEMENTS[i].seeded]
        made = service.seed_statements(
            cid,
            [content.STATEMENTS[i].text for i in seeded],
            round_id=round_.round_id,
            facilitator_id=facilitator_id,
        )
        statement_ids.update(zip(seeded, (s.statement_id for s in made), strict=True))
        service.open_round(round_.round_id)
        for i in indices:
            if i in statement_ids:
                continue
            # A participant of a group that supports the statement wrote it.
            stance = np.array(content.STATEMENTS[i].stances)[planted.labels]
            author = int(rng.choice(np.flatnonzero(stance == stance.max())))
            written = service.submit_statement(
                participant_ids[author], content.STATEMENTS[i].text, round_id=round_.round_id
            )
            service.moderate(
                written.statement_id, ModerationStatus.ACCEPTED, facilitator_id=facilitator_id
            )
            statement_ids[i] = written.statement_id
        if number == 1:
            _reject_examples(service, participant_ids, rng, round_.round_id, facilitator_id)
        in_round = set(indices)
        batch = [
            (participant_ids[p], statement_ids[s], value)
            for p, s, value in planted.triples()
            if s in in_round
        ]
        service.cast_votes(cid, batch)
        if number == 1:
            service.close_round(round_.round_id)
    on_paper = add_room_contributions(
        service, session, tables, model, statement_ids, rng, facilitator_id
    )
    snapshot = service.snapshot(cid)
    return DemoInfo(
        consultation_id=cid,
        join_code=consultation.join_code,
        round_ids=tuple(r.round_id for r in rounds),
        facilitator_username=DEMO_USERNAME,
        facilitator_password=password,
        created=True,
        n_participants=len(snapshot.participants),
        n_statements=len(snapshot.statements),
        n_votes=len(snapshot.votes),
        planted_groups={
            **{pid: int(label) for pid, label in zip(participant_ids, planted.labels, strict=True)},
            **on_paper,
        },
    )


def _join_all(
    service: Service,
    consultation_id: str,
    labels: np.ndarray,
    rng: np.random.Generator,
    tables: tuple[str, ...],
) -> tuple[list[str], npt.NDArray[np.bool_]]:
    """Join everyone; return their ids and whether each took part at a table."""
    entrants = []
    for label in labels:
        group = content.GROUPS[int(label)]
        age = content.AGE_BANDS[int(rng.choice(len(content.AGE_BANDS), p=group.age_weights))]
        neighbourhood = content.NEIGHBOURHOODS[int(rng.integers(len(content.NEIGHBOURHOODS)))]
        at_table = rng.random() < TABLE_SHARE
        # Residents at the tables who voted with their phone have the table as their channel.
        channel = tables[int(rng.integers(len(tables)))] if at_table else "online"
        entrants.append((channel, {"wijk": neighbourhood, "leeftijd": age}))
    joined = service.join_many(
        consultation_id, entrants, consent_version=service.settings.consent_version
    )
    in_room = np.array([channel != "online" for channel, _ in entrants], dtype=bool)
    return [participant.participant_id for participant in joined], in_room


def _reject_examples(
    service: Service,
    participant_ids: list[str],
    rng: np.random.Generator,
    round_id: str,
    facilitator_id: str,
) -> None:
    for text, reason in content.REJECTED:
        author = participant_ids[int(rng.integers(len(participant_ids)))]
        written = service.submit_statement(author, text, round_id=round_id)
        service.moderate(
            written.statement_id,
            ModerationStatus.REJECTED,
            reason=reason,
            facilitator_id=facilitator_id,
        )
