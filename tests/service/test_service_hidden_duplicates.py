"""A duplicate check tells nobody that a statement they cannot see exists.

The security review: re-submitting the text of a rejected or pending statement answered 409
"already in the consultation" (with its id), which told that it exists.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from store.builders import open_consultation

from deliberate.domain.statements import ModerationStatus
from deliberate.errors import DuplicateStatement
from deliberate.service import Service

TEXT = "Het parkeerterrein achter de kerk moet een speeltuin worden"


def test_hidden_statements_are_not_revealed_by_a_resubmission(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=1, participants=3, strict=True)
    author, other, third = (p.participant_id for p in setup.participants)
    pending = service.submit_statement(author, TEXT)
    # Pending under strict moderation: nobody else can see it.
    copy = service.submit_statement(other, TEXT.upper() + "!")
    assert copy.statement_id != pending.statement_id
    assert copy.status is ModerationStatus.PENDING
    service.moderate(pending.statement_id, "rejected", reason="Niet over de wijk")
    again = service.submit_statement(third, TEXT)
    assert again.statement_id not in {pending.statement_id, copy.statement_id}
    with pytest.raises(DuplicateStatement):  # the author knows their own statement
        service.submit_statement(author, TEXT)


def test_a_visible_statement_is_still_a_duplicate(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=1, participants=2, strict=True)
    author, other = (p.participant_id for p in setup.participants)
    shown = service.submit_statement(author, TEXT)
    service.moderate(shown.statement_id, "accepted")
    with pytest.raises(DuplicateStatement) as caught:
        service.submit_statement(other, TEXT)
    assert caught.value.detail == {"statement_id": shown.statement_id}
