"""Typed API models: pydantic v2 against msgspec, for the choice in docs/web.md (issue 13).

    python benchmarks/web_models.py [--rounds 20000]

Prints JSON lines. ``cost`` is CPU microseconds per request (``time.process_time``, median of 5
runs of ``--rounds`` calls) for the two halves of an API call: reading a vote body (bytes →
validated object, with a length limit and an enum) and writing a consultation answer (object →
JSON bytes). ``schema`` says which of the limits the code enforces each library's generated JSON
Schema states: minimum and maximum length, pattern, enum, integer range, nullable.

msgspec is not a project dependency: install it with ``pip install --target DIR msgspec`` and put
DIR on ``PYTHONPATH`` to run its half; without it only pydantic's lines are printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Annotated, Any, Literal

import pydantic

VOTE = b'{"statement_id": "0123456789abcdef0123456789abcdef", "vote": "agree"}'
CONSULTATION = {
    "consultation_id": "0123456789abcdef0123456789abcdef",
    "join_code": "K7Q-4MZ",
    "question": "Hoe maken we het Vondelpark autovrij?",
    "description": "Een raadpleging van de gemeente over het park en de straten eromheen.",
    "language": "nl",
    "strict_moderation": False,
}
# What the schema must say for the constraints the API enforces.
_WANTED = {
    "minLength": 5,
    "maxLength": 140,
    "pattern": "^S[1-9][0-9]{0,3}$",
    "enum": ["agree", "disagree", "pass"],
    "minimum": 1,
    "maximum": 99,
}


class PVote(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(strict=True, frozen=True)
    statement_id: Annotated[str, pydantic.Field(max_length=64)]
    vote: Literal["agree", "disagree", "pass"]


class PConsultation(pydantic.BaseModel):
    consultation_id: str
    join_code: str
    question: str
    description: str
    language: str
    strict_moderation: bool


class PConsultationAnswer(pydantic.BaseModel):
    ok: Literal[True] = True
    consultation: PConsultation


class PFidelity(pydantic.BaseModel):
    text: Annotated[str, pydantic.Field(min_length=5, max_length=140)]
    code: Annotated[str, pydantic.Field(pattern="^S[1-9][0-9]{0,3}$")]
    vote: Literal["agree", "disagree", "pass"]
    table: Annotated[int, pydantic.Field(ge=1, le=99)]
    group: str | None = None


def _median_us(call: Callable[[], object], rounds: int) -> float:
    runs = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(rounds):
            call()
        runs.append((time.process_time() - start) / rounds * 1e6)
    return round(statistics.median(runs), 2)


def _found(schema: dict[str, Any]) -> dict[str, bool]:
    text = json.dumps(schema)
    found = {}
    for key, value in _WANTED.items():
        found[key] = f'"{key}": {json.dumps(value)}' in text
    found["nullable"] = '"null"' in text
    return found


def pydantic_lines(rounds: int) -> list[dict[str, Any]]:
    adapter = pydantic.TypeAdapter(PVote)
    answer = PConsultationAnswer(consultation=PConsultation.model_validate(CONSULTATION))
    return [
        {
            "library": f"pydantic {pydantic.VERSION}",
            "part": "cost",
            "read_vote_us": _median_us(lambda: adapter.validate_json(VOTE), rounds),
            "write_consultation_us": _median_us(answer.model_dump_json, rounds),
            "build_and_write_us": _median_us(
                lambda: PConsultationAnswer(
                    consultation=PConsultation.model_validate(CONSULTATION)
                ).model_dump_json(),
                rounds,
            ),
            "stdlib_json_write_us": _median_us(
                lambda: json.dumps({"ok": True, "consultation": CONSULTATION}).encode(), rounds
            ),
        },
        {
            "library": "pydantic",
            "part": "schema",
            **_found(PFidelity.model_json_schema()),
        },
    ]


try:
    import msgspec  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # optional, see the module docstring
    msgspec = None

if msgspec is not None:

    class MVote(msgspec.Struct, frozen=True):  # type: ignore[misc, call-arg, unused-ignore]
        statement_id: Annotated[str, msgspec.Meta(max_length=64)]
        vote: Literal["agree", "disagree", "pass"]

    class MConsultation(msgspec.Struct):  # type: ignore[misc, call-arg, unused-ignore]
        consultation_id: str
        join_code: str
        question: str
        description: str
        language: str
        strict_moderation: bool

    class MConsultationAnswer(msgspec.Struct):  # type: ignore[misc, call-arg, unused-ignore]
        consultation: MConsultation
        ok: Literal[True] = True

    class MFidelity(msgspec.Struct):  # type: ignore[misc, call-arg, unused-ignore]
        text: Annotated[str, msgspec.Meta(min_length=5, max_length=140)]
        code: Annotated[str, msgspec.Meta(pattern="^S[1-9][0-9]{0,3}$")]
        vote: Literal["agree", "disagree", "pass"]
        table: Annotated[int, msgspec.Meta(ge=1, le=99)]
        group: str | None = None


def msgspec_lines(rounds: int) -> list[dict[str, Any]]:
    if msgspec is None:
        raise ImportError("msgspec")
    decoder = msgspec.json.Decoder(MVote)
    encoder = msgspec.json.Encoder()
    answer = MConsultationAnswer(consultation=MConsultation(**CONSULTATION))
    return [
        {
            "library": f"msgspec {msgspec.__version__}",
            "part": "cost",
            "read_vote_us": _median_us(lambda: decoder.decode(VOTE), rounds),
            "write_consultation_us": _median_us(lambda: encoder.encode(answer), rounds),
            "build_and_write_us": _median_us(
                lambda: encoder.encode(
                    MConsultationAnswer(consultation=MConsultation(**CONSULTATION))
                ),
                rounds,
            ),
        },
        {"library": "msgspec", "part": "schema", **_found(msgspec.json.schema(MFidelity))},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20_000, help="calls per timed run")
    args = parser.parse_args()
    lines = pydantic_lines(args.rounds)
    try:
        lines += msgspec_lines(args.rounds)
    except ImportError:
        lines.append({"library": "msgspec", "part": "skipped", "reason": "not installed"})
    for line in lines:
        print(json.dumps(line))


if __name__ == "__main__":
    main()
