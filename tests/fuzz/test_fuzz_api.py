"""Schemathesis against ``/api/openapi.json``, in-process (R-B1).

Every operation of the document gets a bounded number of generated requests, positive and
negative; each answer must be no 5xx and must match the document (status, content type, body
schema). The run is derandomised so that a failure reproduces. It drives Schemathesis's
strategies directly, because its pytest plugin cannot take a parametrised fixture here.

Table-session operations run against the fixture's real session and its table 1 (a well-formed
generated id would only ever meet a 404), and a table host's operations carry a host token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import positive_data_acceptance
from support import examples

from fuzz.conftest import FuzzTarget

pytestmark = pytest.mark.slow

MAX_EXAMPLES = examples(25)
# The shape of a well-formed path value. Well-formed values are pointed at the fixture's real
# consultation, round, statement and table session, so that calls get past "not found" and
# exercise the handlers; malformed (negative) values are kept.
_WELL_FORMED = {
    "consultation_id": re.compile(r"[0-9a-f]{32}"),
    "round_id": re.compile(r"[0-9a-f]{32}"),
    "statement_id": re.compile(r"[0-9a-f]{32}"),
    "session_id": re.compile(r"[0-9a-f]{32}"),
    "table": re.compile(r"[1-9][0-9]?"),
}


# Operations whose schema-valid bodies may still break a rule no JSON Schema can state, answered
# with 422 and a message: a form number outside the table's range, a statement code not on this
# session's form, a form without answers, a file's content, a tally without a single hand, a
# statement that is too short once normalised (also when a participant adds or a moderator seeds
# one). Their positive cases may get 422 as well.
_RULES_BEYOND_SCHEMA = {
    "POST /api/consultations/{consultation_id}/statements",
    "POST /api/consultations/{consultation_id}/seed",
    "POST /api/sessions/{session_id}/tables/{table}/forms",
    "POST /api/sessions/{session_id}/tables/{table}/forms/upload",
    "POST /api/sessions/{session_id}/tables/{table}/tallies",
    "POST /api/sessions/{session_id}/tables/{table}/statements",
}
_ACCEPTED = {200, 201, 401, 403, 404, 409, 422, 429}


def _positive_data_accepted_or_refused_by_a_rule(ctx: Any, response: Any, case: Any) -> None:
    """Schemathesis's positive-data check, with 422 added for the operations above."""
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive:
        assert response.status_code in _ACCEPTED, (
            f"schema-valid data got {response.status_code}: {response.text[:300]}"
        )


def _token_for(operation: Any, target: FuzzTarget) -> Callable[[], str]:
    """Who calls, minted afresh for every example: the run logs sessions out and erases
    participants along the way, which would leave later calls stuck at 401."""
    security = operation.definition.raw.get("security") or []
    schemes = {name for requirement in security for name in requirement}
    if "host" in schemes:
        return target.host_token
    if "facilitator" in schemes:
        return target.fresh_session_token
    return target.fresh_participant_token


def _real_path(target: FuzzTarget) -> dict[str, str]:
    return {
        "consultation_id": target.consultation_id,
        "round_id": target.round_id,
        "statement_id": target.statement_id,
        "session_id": target.table_session_id,
        "table": "1",
    }


def _run_operation(operation: Any, token: Callable[[], str], real: dict[str, str]) -> None:
    checks: dict[str, Any] = {}
    if operation.label in _RULES_BEYOND_SCHEMA:
        checks = {
            "excluded_checks": [positive_data_acceptance],
            "additional_checks": [_positive_data_accepted_or_refused_by_a_rule],
        }
    strategy = st.one_of(
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        for name, value in real.items():
            current = (case.path_parameters or {}).get(name)
            if isinstance(current, str) and _WELL_FORMED[name].fullmatch(current):
                case.path_parameters[name] = value
        # Spelled as Schemathesis spells it, so that its ignored-auth probes can take it away.
        headers = {"Authorization": f"Bearer {token()}"}
        case.call_and_validate(headers=headers, **checks)

    run()


def test_api_conforms_to_its_openapi_document(fuzz_target: FuzzTarget) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_target.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures: list[str] = []
    for operation in operations:
        try:
            _run_operation(operation, _token_for(operation, fuzz_target), _real_path(fuzz_target))
        except (Exception, BaseExceptionGroup) as error:  # collect all, then report them
            failures.append(f"{operation.label}: {type(error).__name__}: {error}"[:2000])
    assert failures == [], "\n\n".join(failures)
