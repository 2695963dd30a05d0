"""What the route loader hands a handler: the app state and the resolved, authorised objects."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from deliberate.domain.consultations import Consultation
from deliberate.domain.facilitators import Facilitator, Role
from deliberate.domain.participants import Participant
from deliberate.domain.rounds import Round
from deliberate.domain.sessions import PhysicalSession, Table
from deliberate.domain.statements import Statement
from deliberate.errors import NotFound, NotPermitted
from deliberate.service import Service
from web.core.state import AppState

__all__ = ["Context", "Parent", "owned"]


class Parent(enum.Enum):
    """The resource a route lives under; the loader resolves the whole chain up to it."""

    NONE = "none"
    CONSULTATION = "consultation"
    ROUND = "round"  # a round of the consultation
    STATEMENT = "statement"  # a statement of the consultation
    SESSION = "session"  # a table session (of the consultation, when the path names one)
    TABLE = "table"  # a table of the session


class _Owned(Protocol):
    @property
    def consultation_id(self) -> str: ...


_T = TypeVar("_T", bound=_Owned)


# What a visitor reads when an id is not under the consultation in the address.
_MISSING = {
    "participant": "this participant does not exist",
    "round": "this round does not exist",
    "session": "this session does not exist",
    "statement": "this statement does not exist",
}


def owned(child: _T, consultation: Consultation, what: str) -> _T:
    """``child`` when it belongs to ``consultation``; :class:`NotFound` otherwise.

    The one ownership check of the web layer: every "this X belongs to that consultation" goes
    through here.
    """
    if child.consultation_id != consultation.consultation_id:
        raise NotFound(_MISSING.get(what, "this page does not exist"))
    return child


@dataclass
class Context:
    """What the loader resolved for one request."""

    app: AppState
    facilitator: Facilitator | None = None
    role: Role | None = None
    participant: Participant | None = None
    # On a route the service checks itself (``Endpoint.checked_by_service``): the participant
    # id of the signed token, not looked up; the service refuses it if it is not a consenting
    # participant of the consultation in the path.
    signed_participant_id: str | None = None
    host: bool = False
    loaded: dict[Parent, object] = field(default_factory=dict)

    @property
    def service(self) -> Service:
        """The application service."""
        return self.app.service

    def _get(self, kind: Parent, cls: type[_T]) -> _T:
        found = self.loaded.get(kind)
        if not isinstance(found, cls):
            raise RuntimeError(f"the route declares no {kind.value} parent")  # a table bug
        return found

    @property
    def consultation(self) -> Consultation:
        """The consultation in (or above) the path."""
        return self._get(Parent.CONSULTATION, Consultation)

    @property
    def round(self) -> Round:
        """The round in the path, of :attr:`consultation`."""
        return self._get(Parent.ROUND, Round)

    @property
    def statement(self) -> Statement:
        """The statement in the path, of :attr:`consultation`."""
        return self._get(Parent.STATEMENT, Statement)

    @property
    def session(self) -> PhysicalSession:
        """The table session in the path, of :attr:`consultation`."""
        return self._get(Parent.SESSION, PhysicalSession)

    @property
    def table(self) -> Table:
        """The table in the path, of :attr:`session`."""
        found = self.loaded.get(Parent.TABLE)
        if not isinstance(found, Table):
            raise RuntimeError("the route declares no table parent")
        return found

    @property
    def facilitator_id(self) -> str:
        """The logged-in facilitator's id (routes for facilitators only)."""
        if self.facilitator is None:
            raise RuntimeError("the route is not for facilitators")
        return self.facilitator.facilitator_id

    @property
    def joined(self) -> Participant:
        """The participant (routes for participants only)."""
        if self.participant is None:
            raise RuntimeError("the route is not for participants")
        return self.participant

    @property
    def participant_id(self) -> str:
        """The participant's id: of :attr:`joined`, or the signed token's on a route the
        service checks itself."""
        if self.participant is not None:
            return self.participant.participant_id
        if self.signed_participant_id is None:
            raise RuntimeError("the route is not for participants")
        return self.signed_participant_id

    def require(self, minimum: Role) -> None:
        """For an action whose role depends on the form (save or publish): the loaded role
        must include ``minimum``."""
        if self.role is None or not self.role.includes(minimum):
            raise NotPermitted(
                "this needs the %(role)s role in this consultation", params={"role": minimum.value}
            )

    def statement_of_consultation(self, statement_id: str) -> Statement:
        """A statement named in a form or body, which must belong to :attr:`consultation`."""
        return owned(self.service.get_statement(statement_id), self.consultation, "statement")

    def session_of_consultation(self, session_id: str) -> PhysicalSession:
        """A table session named in a form or body, which must belong to :attr:`consultation`."""
        session = self.service.get_table_session(session_id)
        return owned(session, self.consultation, "session")
