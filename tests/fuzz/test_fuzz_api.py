"""Schemathesis against ``/api/openapi.json``, in-process (R-B1).

Every operation of the document gets a bounded number of generated requests, positive and
negative; each answer must be no 5xx and must match the document (status, content type, body
schema). The run is derandomised so that a failure reproduces. It drives Schemathesis's
strategies directly, because its pytest plugin cannot take a parametrised fixture here.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.conftest import FuzzTarget

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 25


def _token_for(operation: Any, target: FuzzTarget) -> str:
    security = operation.definition.raw.get("security") or []
    schemes = {name for requirement in security for name in requirement}
    return target.session_token if "facilitator" in schemes else target.participant_token


def _run_operation(operation: Any, headers: dict[str, str]) -> None:
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
        case.call_and_validate(headers=headers)

    run()


def test_api_conforms_to_its_openapi_document(fuzz_target: FuzzTarget) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_target.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures: list[str] = []
    for operation in operations:
        headers = {"authorization": f"Bearer {_token_for(operation, fuzz_target)}"}
        try:
            _run_operation(operation, headers)
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {type(error).__name__}: {error}"[:2000])
    assert failures == [], "\n\n".join(failures)
