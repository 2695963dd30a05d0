"""Sessions, tables, paper forms and provenance: each bound stated at its edge.

Written against mutation-check survivors (``benchmarks/mutation.py``): a bound moved by one, a
``<=`` turned into ``<``, a default flipped. Each case names the rule it holds.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from deliberate.domain.access_codes import (
    ACCESS_CODE_LENGTH,
    format_access_code,
    hash_access_code,
    normalise_access_code,
    verify_access_code,
)
from deliberate.domain.facilitators import Facilitator
from deliberate.domain.rounds import Phase, Round
from deliberate.domain.sessions import (
    FORMS_PER_TABLE_MAX,
    MAX_HEAD_COUNT,
    MAX_NAME_LENGTH,
    MAX_TABLES,
    FormAnswer,
    FormStatement,
    PaperForm,
    PhysicalSession,
    Table,
    TableTally,
    number_statements,
    provenance,
    session_channel,
    session_of,
    table_channel,
)
from deliberate.domain.snapshot import Vote
from deliberate.domain.votes import VoteRecord
from deliberate.errors import InvalidInput, TooManyHands

AT = datetime(2026, 3, 12, 20, 0, tzinfo=UTC)
SESSION = PhysicalSession("s-1", "c-1", "Buurthuis De Pijp", date(2026, 3, 12), "De Pijp")


def _table(**changes: object) -> Table:
    fields: dict[str, object] = {"session_id": "s-1", "number": 4, "host_name": "Anna"}
    fields.update(changes)
    return Table(**fields)  # type: ignore[arg-type]


def _tally(agree: int, table_number: int = 4) -> TableTally:
    return TableTally("s-1", table_number, "st-1", agree, 0, 0, AT)


@pytest.mark.parametrize("number", [1, MAX_TABLES])
def test_table_numbers_run_from_one_to_the_maximum(number: int) -> None:
    assert _table(number=number).number == number
    assert _tally(1, table_number=number).table_number == number


@pytest.mark.parametrize("number", [0, MAX_TABLES + 1])
def test_table_numbers_outside_the_range_are_refused(number: int) -> None:
    with pytest.raises(InvalidInput, match="table number"):
        _table(number=number)
    with pytest.raises(InvalidInput, match="table number"):
        _tally(1, table_number=number)


def test_the_limits_are_the_documented_ones() -> None:
    # Form numbers are table * 100 + n, so 99 tables of at most 99 forms fit four digits.
    assert (MAX_TABLES, FORMS_PER_TABLE_MAX, MAX_HEAD_COUNT) == (99, 99, 1_000)
    assert (MAX_NAME_LENGTH, ACCESS_CODE_LENGTH) == (64, 8)


@pytest.mark.parametrize("forms", [0, 1, FORMS_PER_TABLE_MAX])
def test_form_counts_from_zero_to_the_maximum(forms: int) -> None:
    assert _table(form_count=forms).form_count == forms


@pytest.mark.parametrize("forms", [-1, FORMS_PER_TABLE_MAX + 1])
def test_form_counts_outside_the_range_are_refused(forms: int) -> None:
    with pytest.raises(InvalidInput, match="paper forms"):
        _table(form_count=forms)


@pytest.mark.parametrize("people", [1, MAX_HEAD_COUNT])
def test_head_counts_from_one_to_the_maximum(people: int) -> None:
    assert _table(head_count=people).people == people


@pytest.mark.parametrize("people", [0, MAX_HEAD_COUNT + 1, True, 2.0])
def test_other_head_counts_are_refused(people: object) -> None:
    with pytest.raises(InvalidInput, match="seats"):
        _table(head_count=people)


def test_without_a_head_count_the_printed_forms_stand_for_the_people() -> None:
    assert _table(form_count=12).people == 12
    assert _table(form_count=12, head_count=30).people == 30


def test_a_show_of_hands_may_count_everyone_but_not_more() -> None:
    table = _table(form_count=5)
    table.check_tally(_tally(5))
    with pytest.raises(TooManyHands, match="6 hands counted at table 4"):
        table.check_tally(_tally(6))


def test_form_numbers_carry_the_table() -> None:
    assert list(_table(number=4, form_count=3).form_numbers) == [401, 402, 403]
    assert list(_table(number=MAX_TABLES, form_count=FORMS_PER_TABLE_MAX).form_numbers)[-1] == (
        9999
    )
    assert list(_table(form_count=0).form_numbers) == []


def test_names_have_bounds_and_only_some_are_required() -> None:
    assert _table(host_name="x" * MAX_NAME_LENGTH).host_name == "x" * MAX_NAME_LENGTH
    assert _table(name="").name == ""
    assert _table(name="  Bij het raam ").name == "Bij het raam"
    with pytest.raises(InvalidInput, match="1 to 64"):
        _table(host_name="x" * (MAX_NAME_LENGTH + 1))
    with pytest.raises(InvalidInput, match="1 to 64"):
        _table(host_name="   ")
    with pytest.raises(InvalidInput, match="0 to 64"):
        _table(name="x" * (MAX_NAME_LENGTH + 1))
    with pytest.raises(InvalidInput, match="place needs 1"):
        PhysicalSession("s-1", "c-1", "", date(2026, 3, 12))
    assert PhysicalSession("s-1", "c-1", "Zaal", date(2026, 3, 12)).neighbourhood == ""


def test_channels_name_the_session_and_the_table() -> None:
    assert SESSION.channel == session_channel("s-1") == "session:s-1"
    assert _table().channel == table_channel("s-1", 4) == "session:s-1/table:4"
    assert _tally(1).channel == "session:s-1/table:4"
    assert session_of("session:s-1/table:4") == "session:s-1"
    assert session_of("session:s-1") == "session:s-1"
    assert session_of("online") == "online"
    assert session_of("Tafel rood") == "Tafel rood"  # a sample's free table name stays as is
    for bad in ("", "a/b"):
        with pytest.raises(InvalidInput, match="session id"):
            session_channel(bad)


def test_paper_form_answers_become_votes_and_blanks_do_not() -> None:
    assert [answer.vote for answer in FormAnswer] == [Vote.AGREE, Vote.DISAGREE, Vote.PASS, None]
    answers = (
        ("a", FormAnswer.AGREE),
        ("b", FormAnswer.BLANK),
        ("c", FormAnswer.PASS),
        ("d", FormAnswer.DISAGREE),
    )
    form = PaperForm("s-1", 4, 401, answers)
    assert form.votes == (("a", Vote.AGREE), ("c", Vote.PASS), ("d", Vote.DISAGREE))
    assert form.channel == "session:s-1/table:4"


def test_statements_on_a_form_are_numbered_from_s1_and_never_twice() -> None:
    numbered = number_statements([("x", "Meer bomen"), ("y", "Minder auto's")])
    assert [(s.code, s.statement_id, s.text) for s in numbered] == [
        ("S1", "x", "Meer bomen"),
        ("S2", "y", "Minder auto's"),
    ]
    assert number_statements([]) == ()
    with pytest.raises(InvalidInput, match="twice"):
        number_statements([("x", "a"), ("x", "b")])


def test_provenance_leaves_the_year_out_unless_asked() -> None:
    table = _table(name="Bij het raam")
    assert provenance(SESSION) == "Buurthuis De Pijp, 12 maart"
    assert provenance(SESSION, table) == "tafel 4 (Bij het raam), Buurthuis De Pijp, 12 maart"
    assert provenance(SESSION, _table(), language="en") == "table 4, Buurthuis De Pijp, 12 March"
    assert provenance(SESSION, with_year=True) == "Buurthuis De Pijp, 12 maart 2026"
    with pytest.raises(InvalidInput, match="Dutch"):
        provenance(SESSION, language="de")


def test_access_codes_read_aloud_and_typed_back() -> None:
    assert format_access_code("k7qm3xpa") == "K7QM-3XPA"
    assert normalise_access_code(" k7qm-3x.pa ") == "K7QM3XPA"
    for bad in ("K7QM3XP", "K7QM3XPAB", "K7QM3XP0"):  # too short, too long, a 0 is no symbol
        with pytest.raises(InvalidInput, match="host code"):
            normalise_access_code(bad)
    stored = hash_access_code("K7QM-3XPA")
    assert verify_access_code("k7qm 3xpa", stored)
    assert not verify_access_code("K7QM-3XPB", stored)
    assert not verify_access_code("nonsense", stored)
    assert not verify_access_code("K7QM-3XPA", "not a hash")


def test_a_malformed_code_never_verifies_whatever_the_stored_code() -> None:
    # A malformed guess is still hashed (as a filler code) to take the same time; it must not
    # match a real code that happens to equal the filler, nor any other.
    for code in ("XXXX-XXXX", "2222-2222", "ZZZZ-ZZZZ"):
        stored = hash_access_code(code)
        assert verify_access_code(code.lower(), stored)
        for malformed in ("", "nonsense", "X" * (ACCESS_CODE_LENGTH + 1), "XXXX-XXX0"):
            assert not verify_access_code(malformed, stored), (code, malformed)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (SESSION, "place"),
        (_table(), "number"),
        (_tally(1), "agree"),
        (PaperForm("s-1", 4, 401, ()), "form_number"),
        (FormStatement("S1", "st-1", "Meer groen in de wijk."), "code"),
        (Facilitator("f-1", "gespreksleider", AT), "username"),
        (Round("r-1", "c-1", 1, "Ronde 1", Phase.OPEN, AT), "phase"),
        (VoteRecord("p", "s", "r-1", Vote.AGREE, AT), "value"),
    ],
)
def test_domain_values_cannot_be_changed_in_place(value: object, field: str) -> None:
    # The store and the analysis share these objects; a change in place would go unseen.
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, field, getattr(value, field))
