"""The advice says how many accounts were quarantined and which findings they would change."""

from __future__ import annotations

import dataclasses

from deliberate.advice import draft_advice
from deliberate.advice.quarantine import quarantine_effect
from deliberate.domain.snapshot import SnapshotParticipant, SnapshotVote, Vote


def _method_text(report: object) -> str:
    return " ".join(report.section("method").paragraphs)  # type: ignore[attr-defined]


def test_no_quarantine_no_paragraph(minority_consultation) -> None:
    snapshot, result = minority_consultation
    assert quarantine_effect(dataclasses.asdict(result), snapshot) is None
    assert "quarantaine" not in _method_text(draft_advice(result, snapshot))


def test_a_quarantined_brigade_that_would_change_findings_is_named(
    minority_consultation, quiet_analysis
) -> None:
    snapshot, _ = minority_consultation
    # A brigade twice the size of the consultation, disagreeing with every statement.
    bots = [
        SnapshotParticipant(f"bot{i}", quarantined=True)
        for i in range(2 * len(snapshot.participants))
    ]
    votes = [
        SnapshotVote(bot.participant_id, statement.statement_id, Vote.DISAGREE, 1.0)
        for bot in bots
        for statement in snapshot.statements
    ]
    brigaded = dataclasses.replace(
        snapshot,
        participants=[*snapshot.participants, *bots],
        votes=[*snapshot.votes, *votes],
    )
    result = quiet_analysis(brigaded)
    effect = quarantine_effect(dataclasses.asdict(result), brigaded)
    assert effect is not None
    assert effect.left_out == len(bots)
    assert effect.changed  # with them back in, findings move
    text = _method_text(draft_advice(result, brigaded))
    assert f"Met de {len(bots)} accounts in quarantaine erbij zou de uitkomst anders zijn" in text
    english = _method_text(draft_advice(result, brigaded, language="en"))
    assert "in quarantine counted, the findings would differ for" in english


def test_a_small_quarantine_that_changes_nothing_says_so(
    minority_consultation, quiet_analysis
) -> None:
    snapshot, _ = minority_consultation
    first = snapshot.participants[0]
    marked = dataclasses.replace(
        snapshot,
        participants=[dataclasses.replace(first, quarantined=True), *snapshot.participants[1:]],
    )
    result = quiet_analysis(marked)
    effect = quarantine_effect(dataclasses.asdict(result), marked)
    assert effect is not None
    assert effect.left_out == 1
    text = _method_text(draft_advice(result, marked))
    if effect.changed:
        assert "zou de uitkomst anders zijn" in text
    else:
        # Only the statements' finding words are compared (not the groups or their views), so
        # the sentence says that, not "alle uitkomsten hetzelfde" as it did before.
        assert (
            "Met de 1 account in quarantaine erbij zou geen stelling een andere bevinding" in text
        )
