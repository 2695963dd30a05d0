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
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import positive_data_acceptance

from fuzz.conftest import FuzzTarget

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 25
# The shape of a well-formed path value; only those are pointed at the real table session, so
# that negative cases keep their malformed values.
_WELL_FORMED = {
    "consultation_id": re.compile(r"[0-9a-f]{32}"),
    "session_id": re.compile(r"[0-9a-f]{32}"),
    "table": re.compile(r"[1-9][0-9]?"),
}


# Operations whose schema-valid bodies may still break a rule no JSON Schema can state, answered
# with 422 and a message: a form number outside the table's range, a statement code not on this
# session's form, a form without answers, a file's content, a tally without a single hand, a
# statement that is too short once normalised. Their positive cases may get 422 as well.
_RULES_BEYOND_SCHEMA = {
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


def _is_table_session(operation: Any) -> bool:
    return "{session_id}" in operation.path or operation.path.endswith("/sessions")


def _token_for(operation: Any, target: FuzzTarget) -> str:
    security = operation.definition.raw.get("security") or []
    schemes = {name for requirement in security for name in requirement}
    if "host" in schemes:
        return target.host_token()
    if "facilitator" in schemes:
        # DELETE /api/session ends the shared session early in the run; table-session
        # operations get a live one so that they get past the role check.
        return (
            target.fresh_session_token() if _is_table_session(operation) else target.session_token
        )
    return target.participant_token


def _real_path(operation: Any, target: FuzzTarget) -> dict[str, str]:
    """Path values naming the fixture's table session, for table-session operations only."""
    if not _is_table_session(operation):
        return {}
    return {
        "consultation_id": target.consultation_id,
        "session_id": target.table_session_id,
        "table": "1",
    }


def _run_operation(operation: Any, headers: dict[str, str], real: dict[str, str]) -> None:
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
        case.call_and_validate(headers=headers, **checks)

    run()


def test_api_conforms_to_its_openapi_document(fuzz_target: FuzzTarget) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_target.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures: list[str] = []
    for operation in operations:
        # Spelled as Schemathesis spells it, so that its ignored-auth probes can take it away.
        headers = {"Authorization": f"Bearer {_token_for(operation, fuzz_target)}"}
        try:
            _run_operation(operation, headers, _real_path(operation, fuzz_target))
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {type(error).__name__}: {error}"[:2000])
    assert failures == [], "\n\n".join(failures)
