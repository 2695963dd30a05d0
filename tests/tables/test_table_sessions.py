"""Sessions, tables, host access codes, paper forms, tallies and provenance."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from deliberate.domain.access_codes import (
    ACCESS_CODE_ALPHABET,
    ACCESS_CODE_LENGTH,
    format_access_code,
    hash_access_code,
    new_access_code,
    normalise_access_code,
    verify_access_code,
)
from deliberate.domain.sessions import (
    FormAnswer,
    PaperForm,
    PhysicalSession,
    Table,
    TableTally,
    number_statements,
    provenance,
    session_of,
    table_channel,
)
from deliberate.domain.snapshot import Vote
from deliberate.errors import InvalidInput


def test_access_code_has_at_least_40_bits_and_no_ambiguous_symbols() -> None:
    import math

    assert ACCESS_CODE_LENGTH * math.log2(len(set(ACCESS_CODE_ALPHABET))) >= 40
    assert not set("0O1I") & set(ACCESS_CODE_ALPHABET)
    codes = {new_access_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == ACCESS_CODE_LENGTH and set(c) <= set(ACCESS_CODE_ALPHABET) for c in codes)


def test_access_code_hash_verifies_typed_variants_only() -> None:
    code = new_access_code()
    stored = hash_access_code(code)
    assert code not in stored
    assert verify_access_code(code, stored)
    typed = f" {format_access_code(code).lower()} "
    assert verify_access_code(typed, stored)
    other = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert not verify_access_code(other, stored)
    assert not verify_access_code("kort", stored)
    assert not verify_access_code(code, "not-a-hash")


def test_access_code_normalisation_rejects_malformed_codes() -> None:
    assert normalise_access_code("k7qm-3xpa") == "K7QM3XPA"
    for bad in ("K7QM3XP", "K7QM3XPA9", "K0QM3XPA", "K7QM 3XP!"):
        with pytest.raises(InvalidInput):
            normalise_access_code(bad)


def test_provenance_in_dutch_and_english() -> None:
    session = PhysicalSession("s1", "c1", "buurthuis De Pijp", date(2026, 3, 12), "De Pijp")
    table = Table("s1", 4, "Fatima")
    assert provenance(session, table) == "tafel 4, buurthuis De Pijp, 12 maart"
    assert provenance(session, table, language="en") == "table 4, buurthuis De Pijp, 12 March"
    assert provenance(session) == "buurthuis De Pijp, 12 maart"
    assert provenance(session, table, with_year=True).endswith("12 maart 2026")
    named = Table("s1", 2, "Joost", name="Groen")
    assert provenance(session, named) == "tafel 2 (Groen), buurthuis De Pijp, 12 maart"
    with pytest.raises(InvalidInput):
        provenance(session, table, language="de")


def test_table_form_numbers_carry_the_table() -> None:
    assert list(Table("s1", 4, "Fatima", form_count=3).form_numbers) == [401, 402, 403]
    assert list(Table("s1", 12, "Fatima", form_count=2).form_numbers) == [1201, 1202]
    assert not Table("s1", 1, "Fatima", form_count=0).form_numbers


@pytest.mark.parametrize(
    "kwargs",
    [{"number": 0}, {"number": 100}, {"form_count": 100}, {"form_count": -1}, {"host_name": "  "}],
)
def test_invalid_tables_are_refused(kwargs: dict[str, object]) -> None:
    values: dict[str, object] = {"session_id": "s1", "number": 1, "host_name": "Fatima"} | kwargs
    with pytest.raises(InvalidInput):
        Table(**values)  # type: ignore[arg-type]


def test_session_names_are_cleaned_and_checked() -> None:
    session = PhysicalSession("s1", "c1", "  buurthuis   De Pijp ", date(2026, 3, 12))
    assert session.place == "buurthuis De Pijp"
    assert session.channel == "session:s1"
    with pytest.raises(InvalidInput):
        PhysicalSession("s1", "c1", "", date(2026, 3, 12))
    with pytest.raises(InvalidInput):
        PhysicalSession("s1", "c1", "x" * 65, date(2026, 3, 12))


def test_channels_fold_into_their_session() -> None:
    channel = table_channel("s1", 4)
    assert channel == "session:s1/table:4"
    assert session_of(channel) == "session:s1"
    assert session_of("session:s1") == "session:s1"
    assert session_of("online") == "online"
    assert len(table_channel("f" * 32, 99)) <= 64  # fits Participant.channel
    with pytest.raises(InvalidInput):
        table_channel("a/b", 1)


def test_paper_form_votes_leave_blanks_out() -> None:
    form = PaperForm(
        "s1",
        4,
        401,
        (
            ("a", FormAnswer.AGREE),
            ("b", FormAnswer.BLANK),
            ("c", FormAnswer.PASS),
            ("d", FormAnswer.DISAGREE),
        ),
    )
    assert form.votes == (("a", Vote.AGREE), ("c", Vote.PASS), ("d", Vote.DISAGREE))
    assert form.channel == "session:s1/table:4"


def test_number_statements_gives_stable_codes_and_refuses_repeats() -> None:
    numbered = number_statements([("x", "Meer bomen."), ("y", "Minder auto's.")])
    assert [(s.code, s.statement_id) for s in numbered] == [("S1", "x"), ("S2", "y")]
    with pytest.raises(InvalidInput):
        number_statements([("x", "Meer bomen."), ("x", "Meer bomen.")])


def test_tallies_are_checked() -> None:
    when = datetime(2026, 3, 12, 20, 15)
    tally = TableTally("s1", 4, "st", 7, 3, 2, when)
    assert tally.total == 12
    assert tally.channel == "session:s1/table:4"
    for counts in ((0, 0, 0), (-1, 3, 2), (True, 3, 2), (10_001, 0, 0)):
        with pytest.raises(InvalidInput):
            TableTally("s1", 4, "st", *counts, when)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        TableTally("s1", 0, "st", 1, 0, 0, when)
