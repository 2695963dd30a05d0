"""Population figures through the service and the CLI, on SQLite and PostgreSQL (issue 18)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from deliberate.cli import main
from deliberate.errors import InvalidUpload
from deliberate.interop.margins import parse_margins_csv, write_margins_csv
from deliberate.service import Service

GOOD = (
    b"kenmerk;categorie;aantal\n"
    b"wijk;Noord;4.200\n"
    b"wijk;Zuid;3800\n"
    b"leeftijd;jong;2000\n"
    b"leeftijd;oud;6000\n"
)


def _problems(data: bytes, **kwargs: object) -> list[str]:
    with pytest.raises(InvalidUpload) as caught:
        parse_margins_csv(data, **kwargs)  # type: ignore[arg-type]
    problems = caught.value.detail["problems"]
    assert isinstance(problems, list)
    return [str(p["problem"]) for p in problems]


def test_good_file_reads_dutch_and_english_layouts() -> None:
    margins = parse_margins_csv(GOOD)
    assert dict(margins.totals["wijk"]) == {"Noord": 4200, "Zuid": 3800}
    english = b"attribute,category,count\r\nwijk,Noord,4200\r\nwijk,Zuid,3800\r\n"
    assert parse_margins_csv(english).population == 8000
    assert parse_margins_csv(write_margins_csv(margins).encode()) == margins


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("wijk;Noord;\nwijk;Zuid;10\n", "empty_cell"),
        ("wijk;Noord;10,5\nwijk;Zuid;10\n", "not_a_count"),
        ("wijk;Noord;-3\nwijk;Zuid;10\n", "not_a_count"),
        ("wijk;Noord;10\nwijk;Noord;12\n", "duplicate_category"),
        ("wijk;Noord;100\nleeftijd;jong;150\n", "totals_disagree"),
    ],
)
def test_bad_files_name_the_row_and_the_problem(body: str, problem: str) -> None:
    assert problem in _problems(("kenmerk;categorie;aantal\n" + body).encode())


def test_every_problem_is_listed_not_only_the_first() -> None:
    data = b"kenmerk;categorie;aantal\nwijk;;10\nwijk;Zuid;veel\nwijk;Oost;5\n"
    with pytest.raises(InvalidUpload) as caught:
        parse_margins_csv(data)
    assert caught.value.message.startswith("row 2: the category cell is empty")
    assert "(and 1 more problems)" in caught.value.message
    assert [p["row"] for p in caught.value.detail["problems"]] == [2, 3]  # type: ignore[union-attr]


def test_header_and_encoding_are_checked() -> None:
    with pytest.raises(InvalidUpload) as caught:
        parse_margins_csv(b"wijk;Noord;10\n")
    assert caught.value.detail["problem"] == "missing_column"
    with pytest.raises(InvalidUpload) as caught:
        parse_margins_csv("kenmerk;categorie;aantal\nwijk;Zuid;1\n".encode("utf-16"))
    assert caught.value.detail["problem"] == "not_utf8"


def test_categories_participants_stated_must_be_in_the_file() -> None:
    problems = _problems(GOOD, stated={"wijk": {"Noord", "noord ", "West"}})
    assert problems.count("unknown_category") == 2
    with pytest.raises(InvalidUpload, match="did you mean 'Noord'"):
        parse_margins_csv(GOOD, stated={"wijk": {"NOORD"}})


@pytest.fixture
def service(service_factory: Callable[..., Service]) -> Service:
    return service_factory()


def _consultation_with_votes(service: Service) -> str:
    cid = service.create_consultation("Hoe maken we de wijk groener?").consultation_id
    round_id = service.create_round(cid, "Ronde 1").round_id
    made = service.seed_statements(
        cid, ["Meer bomen in de straat.", "Minder auto's in de wijk."], round_id=round_id
    )
    service.open_round(round_id)
    entrants = (
        [("online", {"wijk": "Noord", "leeftijd": "oud"})] * 30
        + [("online", {"wijk": "Zuid", "leeftijd": "jong"})] * 6
        + [("online", {})] * 4
    )
    people = service.join_many(cid, entrants, consent_version=service.settings.consent_version)
    votes = [
        (p.participant_id, made[0].statement_id, 1 if i < 30 else -1) for i, p in enumerate(people)
    ]
    service.cast_votes(cid, votes)
    return cid


def test_figures_are_stored_replaced_all_or_nothing_and_weigh_the_votes(service: Service) -> None:
    cid = _consultation_with_votes(service)
    assert service.population_margins(cid) is None
    assert service.weighting(cid) is None
    service.set_population_margins(
        cid, GOOD.replace(b"jong;2000", b"jong;4000").replace(b"oud;6000", b"oud;4000")
    )
    stored = service.population_margins(cid)
    assert stored is not None
    assert stored.totals["leeftijd"] == {"jong": 4000, "oud": 4000}

    # A refused file leaves the earlier figures as they were.
    with pytest.raises(InvalidUpload):
        service.set_population_margins(
            cid, b"kenmerk;categorie;aantal\nwijk;Noord;10\nwijk;West;\n"
        )
    assert service.population_margins(cid) == stored
    # Participants said "Zuid": a file without it is refused.
    with pytest.raises(InvalidUpload, match="Zuid"):
        service.set_population_margins(cid, b"kenmerk;categorie;aantal\nwijk;Noord;8000\n")

    weighting = service.weighting(cid)
    assert weighting is not None
    assert weighting.participants == 40
    (first, _second) = weighting.statements
    # Noord/oud agree, Zuid/jong disagree; the young are half the population but 6 of 36 stated.
    assert first.share == pytest.approx(30 / 40)
    assert first.weighted.share < 0.6
    rows = {(c.attribute, c.category): c for c in weighting.categories}
    assert rows[("leeftijd", "jong")].participants == 6
    assert rows[("leeftijd", "jong")].gap == pytest.approx(6 / 36 - 0.5)

    assert service.clear_population_margins(cid) is True
    assert service.population_margins(cid) is None
    assert service.clear_population_margins(cid) is False


def test_the_weighting_of_an_analysis_version_is_computed_once(service: Service) -> None:
    cid = _consultation_with_votes(service)
    service.set_population_margins(cid, GOOD)
    service.store_analysis(cid, b'{"groups": []}')
    first = service.weighting(cid)
    assert first is not None
    assert service.weighting(cid) is first  # the same version and figures: kept
    # New figures, or a new analysis, weigh again.
    service.set_population_margins(
        cid, GOOD.replace(b"oud;6000", b"oud;5000").replace(b"Zuid;3800", b"Zuid;2800")
    )
    second = service.weighting(cid)
    assert second is not None
    assert second is not first
    assert second.margins.totals["leeftijd"]["oud"] == 5000
    service.store_analysis(cid, b'{"groups": []}')
    assert service.weighting(cid) is not second


def test_cli_sets_and_shows_the_figures(tmp_path: Path, database_url: str) -> None:
    runner = CliRunner()
    env = {"DELIBERATE_DATABASE_URL": database_url, "DELIBERATE_SECRET_KEY": "x" * 32}
    made = runner.invoke(main, ["sample", "--participants", "60"], env=env)
    assert made.exit_code == 0, made.output
    figures = tmp_path / "bevolking.csv"
    figures.write_bytes(
        b"kenmerk;categorie;aantal\nwijk;Noord;50\nwijk;Zuid;150\nwijk;Centrum;100\n"
        b"wijk;De Hoven;100\n"
    )
    result = runner.invoke(main, ["population", "set", "GROEN", str(figures)], env=env)
    assert result.exit_code == 0, result.output
    assert "population: 400 residents" in result.output
    shown = runner.invoke(main, ["population", "show", "GROEN", "--invite", "10"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "wijk: De Hoven" in shown.output
    # 50 of 400 is 12.5 %: rounded half up as on the console's page and in the advice (13), not
    # half to even (12).
    (noord,) = [line for line in shown.output.splitlines() if line.startswith("wijk: Noord ")]
    assert noord[28:].split()[2] == "13%", noord
    assert "invite next:" in shown.output
    bad = tmp_path / "fout.csv"
    bad.write_bytes(b"kenmerk;categorie;aantal\nwijk;Noord;\n")
    refused = runner.invoke(main, ["population", "set", "GROEN", str(bad)], env=env)
    assert refused.exit_code != 0
    assert "empty" in refused.output
