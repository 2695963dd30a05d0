"""Brigade detection over the store: a scripted cohort is found, quarantined and released."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from click.testing import CliRunner
from store.builders import open_consultation
from store.databases import FakeClock

from deliberate.cli import main
from deliberate.service import Service

GENUINE = 30
BOTS = 6


def test_a_scripted_cohort_is_found_quarantined_and_released(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory()
    rng = np.random.default_rng(7)
    setup = open_consultation(service, statements=10, participants=0)
    cid = setup.consultation.consultation_id
    ids = [s.statement_id for s in setup.statements]
    positions = rng.choice([-1, 1], size=(2, len(ids)))
    genuine: list[str] = []
    for person in range(GENUINE):
        clock.advance(minutes=float(rng.uniform(10, 60)))
        pid = service.join(cid, consent_version="2026-11").participant_id
        genuine.append(pid)
        clock.advance(seconds=float(rng.uniform(10, 60)))
        for index in rng.permutation(len(ids)):
            noisy = rng.random() < 0.15
            value = int(rng.integers(-1, 2)) if noisy else int(positions[person % 2, index])
            service.cast_vote(pid, ids[index], value)
            clock.advance(seconds=float(rng.uniform(3, 12)))
    template = {s: int(positions[0, i]) for i, s in enumerate(ids)}
    bots: list[str] = []
    for _ in range(BOTS):
        clock.advance(seconds=20)
        pid = service.join(cid, consent_version="2026-11").participant_id
        bots.append(pid)
        clock.advance(seconds=1)
        for statement_id, value in template.items():
            service.cast_vote(pid, statement_id, value)
            clock.advance(seconds=0.5)

    report = service.find_brigades(cid)
    (cluster,) = report.clusters
    assert set(cluster.participant_ids) == set(bots)
    assert {"identical_votes", "hasty_arrivals"} <= set(cluster.reasons)
    assert cluster.arrival_span_s < 300
    assert report.suspects.isdisjoint(genuine)

    assert service.quarantine_participants(cid, cluster.participant_ids) == BOTS
    snapshot = service.snapshot(cid)
    assert {p.participant_id for p in snapshot.participants if p.quarantined} == set(bots)
    assert service.find_brigades(cid).suspects == set(bots)  # still shown, to be released
    assert service.quarantine_participants(cid, bots, quarantined=False) == BOTS
    assert not any(p.quarantined for p in service.snapshot(cid).participants)


def test_cli_shows_quarantines_and_releases(
    service_factory: Callable[..., Service], clock: FakeClock, database_url: str
) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=8, participants=0)
    cid = setup.consultation.consultation_id
    runner = CliRunner()
    environment = {"DELIBERATE_DATABASE_URL": database_url}
    shown = runner.invoke(main, ["brigades", cid], env=environment)
    assert (shown.exit_code, shown.output) == (0, "no suspect clusters\n")
    for _ in range(4):
        clock.advance(seconds=30)
        pid = service.join(cid, consent_version="2026-11").participant_id
        for statement in setup.statements:
            service.cast_vote(pid, statement.statement_id, 1)
    # The CLI's own clock is real time; the votes above were cast with the test clock.
    shown = runner.invoke(main, ["brigades", setup.consultation.join_code], env=environment)
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("cluster 1: 4 accounts, evidence: identical_votes")
    done = runner.invoke(main, ["brigades", cid, "--quarantine"], env=environment)
    assert done.output.endswith("quarantined 4 account(s); the next analysis leaves them out\n")
    assert sum(p.quarantined for p in service.snapshot(cid).participants) == 4
    done = runner.invoke(main, ["brigades", cid, "--release"], env=environment)
    assert done.output == "released 4 account(s) from quarantine\n"
    assert not any(p.quarantined for p in service.snapshot(cid).participants)
