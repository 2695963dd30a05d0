"""The one error tree of deliberate. Every error has a stable, machine-readable ``code``.

Callers catch the branch they care about; the web layer maps branches to HTTP status codes in
one place (``web/core/errors.py``), its own refusals (a body it cannot read) included, and the
CLI prints ``code: message``. Codes never change once released; ``docs/errors.md`` lists them
and ``tests/test_docs.py`` checks the list is complete.

::

    DeliberateError                      deliberate_error
    ├── ConfigurationError               configuration_error
    ├── InvalidInput                     invalid_input          (400/422: the request is wrong)
    │   ├── StatementTooLong             statement_too_long
    │   ├── StatementTooShort            statement_too_short
    │   ├── InvalidVote                  invalid_vote
    │   ├── InvalidUpload                invalid_upload         (names the row and the problem)
    │   ├── TooManyHands                 too_many_hands         (more hands than people at a table)
    │   └── ConsentNotGiven              consent_not_given      (a join without {"consent": true})
    ├── MalformedRequest                 bad_request            (400: the request cannot be read)
    │   ├── MalformedJson                malformed_json
    │   ├── InvalidEncoding              invalid_encoding       (not UTF-8, or a lone surrogate)
    │   ├── TooDeep                      too_deep               (JSON nested too deeply)
    │   ├── UnknownFormat                invalid_format         (a download format we do not make)
    │   ├── UnsupportedMediaType         unsupported_media_type (415: a body of the wrong type)
    │   ├── BodyTooLarge                 body_too_large         (413: past Settings.max_body_size)
    │   └── HeadersTooLarge              headers_too_large      (431: past Settings.max_header_size)
    ├── NotFound                         not_found              (404, also for hidden objects)
    ├── NotPermitted                     not_permitted          (403)
    │   ├── AuthenticationRequired       authentication_required (401)
    │   ├── ConsentRequired              consent_required
    │   ├── ParticipantErased            participant_erased
    │   └── CrossOriginRefused           cross_origin           (a browser's post from another site)
    ├── Conflict                         conflict               (409: the state forbids it now)
    │   ├── PhaseNotAllowed              round_closed           (the phase forbids it)
    │   ├── InvalidTransition            invalid_transition     (e.g. publish a draft round)
    │   ├── DuplicateStatement           duplicate_statement
    │   ├── AlreadyExists                already_exists
    │   ├── IdempotencyConflict          idempotency_conflict
    │   ├── NoAnalysis                   no_analysis            (nothing analysed yet to report on)
    │   └── ClaimDoesNotHold             claim_does_not_hold    (publication: a claim fails)
    ├── RateLimited                      rate_limited           (429, carries retry_after seconds)
    ├── Unavailable                      unavailable            (503: store or worker down)
    │   ├── ModelUnavailable             model_unavailable      (no embedding model can be loaded)
    │   └── Busy                         busy                   (503: heavy work queue is full)
    └── AnalysisError                    analysis_error         (input the analysis cannot use)

Warnings are not errors: non-fatal analysis issues are :class:`AnalysisWarning` subclasses,
recorded in ``AnalysisResult.warnings`` and issued through :mod:`warnings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

__all__ = [
    "AlreadyExists",
    "AnalysisError",
    "AnalysisWarning",
    "AuthenticationRequired",
    "BodyTooLarge",
    "Busy",
    "ClaimDoesNotHold",
    "ConfigurationError",
    "Conflict",
    "ConsentNotGiven",
    "ConsentRequired",
    "CrossOriginRefused",
    "DeliberateError",
    "DuplicateStatement",
    "HeadersTooLarge",
    "IdempotencyConflict",
    "InvalidEncoding",
    "InvalidInput",
    "InvalidTransition",
    "InvalidUpload",
    "InvalidVote",
    "MalformedJson",
    "MalformedRequest",
    "ModelUnavailable",
    "NoAnalysis",
    "NotFound",
    "NotPermitted",
    "ParticipantErased",
    "PhaseNotAllowed",
    "RateLimited",
    "StatementTooLong",
    "StatementTooShort",
    "TooDeep",
    "TooManyHands",
    "Unavailable",
    "UnknownFormat",
    "UnsupportedMediaType",
    "all_error_classes",
]


class DeliberateError(Exception):
    """Base of every error deliberate raises on purpose.

    ``message`` is safe to show to the person who caused the error: it never contains other
    people's data, SQL, paths or stack traces.

    A message that names a value (a table number, a limit) is an English template with named
    ``%(name)s`` placeholders and the values in ``params``: ``template`` is the message id the
    web layer translates, ``message`` the English sentence with the values filled in. The
    core never translates; the web edge does (``web.core.i18n.error_message``).
    """

    code: ClassVar[str] = "deliberate_error"

    def __init__(
        self,
        message: str,
        *,
        detail: dict[str, object] | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.template = message
        self.params = dict(params or {})
        self.message = message % self.params if self.params else message
        super().__init__(self.message)
        self.detail = dict(detail or {})

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Across a process pool the error keeps its template, values and detail (the default
        # would rebuild it from the filled-in English message alone).
        return (_restore, (type(self), dict(self.__dict__)))


def _restore(cls: type[DeliberateError], state: dict[str, object]) -> DeliberateError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class ConfigurationError(DeliberateError):
    """A setting is missing, unknown or malformed. Raised at start-up, never per request."""

    code = "configuration_error"


class InvalidInput(DeliberateError):
    """The input itself is wrong; sending it again unchanged will fail again."""

    code = "invalid_input"


class StatementTooLong(InvalidInput):
    """A statement exceeds ``Settings.max_statement_length`` after normalisation."""

    code = "statement_too_long"


class StatementTooShort(InvalidInput):
    """A statement is empty or shorter than ``Settings.min_statement_length``."""

    code = "statement_too_short"


class InvalidVote(InvalidInput):
    """A vote value is not agree (+1), disagree (-1) or pass (0)."""

    code = "invalid_vote"


class InvalidUpload(InvalidInput):
    """An uploaded file was rejected as a whole; ``detail`` names the row and the problem."""

    code = "invalid_upload"


class TooManyHands(InvalidInput):
    """A show of hands counts more hands than there are people at the table."""

    code = "too_many_hands"


class ConsentNotGiven(InvalidInput):
    """A request to take part did not agree to the privacy statement."""

    code = "consent_not_given"


class MalformedRequest(DeliberateError):
    """The request cannot be read at all (the web layer's refusal; HTTP 400). Not an
    :class:`InvalidInput`: a page that shows what was wrong with a field never catches it."""

    code = "bad_request"


class MalformedJson(MalformedRequest):
    """The request body is not valid JSON."""

    code = "malformed_json"


class InvalidEncoding(MalformedRequest):
    """The request is not valid UTF-8, or its JSON escapes a lone surrogate."""

    code = "invalid_encoding"


class TooDeep(MalformedRequest):
    """The JSON of the request is nested more deeply than the web layer reads."""

    code = "too_deep"


class UnknownFormat(MalformedRequest):
    """A download was asked for in a format deliberate does not make."""

    code = "invalid_format"


class UnsupportedMediaType(MalformedRequest):
    """The request body has a content type the call does not take (HTTP 415)."""

    code = "unsupported_media_type"


class BodyTooLarge(MalformedRequest):
    """The request body is larger than ``Settings.max_body_size``, or than an upload route's
    own allowance (HTTP 413)."""

    code = "body_too_large"


class HeadersTooLarge(MalformedRequest):
    """The request line and headers are larger than ``Settings.max_header_size`` (HTTP 431)."""

    code = "headers_too_large"


class NotFound(DeliberateError):
    """The object does not exist, or the caller may not know that it exists."""

    code = "not_found"


class NotPermitted(DeliberateError):
    """The caller is known but may not do this."""

    code = "not_permitted"


class AuthenticationRequired(NotPermitted):
    """The caller must log in (or their session expired)."""

    code = "authentication_required"


class ConsentRequired(NotPermitted):
    """The participant has not given consent for the current consent text."""

    code = "consent_required"


class ParticipantErased(NotPermitted):
    """The participant erased themselves; the pseudonym can no longer act."""

    code = "participant_erased"


class CrossOriginRefused(NotPermitted):
    """A browser sent a state-changing request from another site (HTTP 403)."""

    code = "cross_origin"


class Conflict(DeliberateError):
    """The request is well-formed but the current state does not allow it."""

    code = "conflict"


class PhaseNotAllowed(Conflict):
    """The round's phase does not allow the action (e.g. a vote in a closed round)."""

    code = "round_closed"


class InvalidTransition(Conflict):
    """A round phase change that the state machine does not allow."""

    code = "invalid_transition"


class DuplicateStatement(Conflict):
    """The same statement text already exists in this consultation."""

    code = "duplicate_statement"


class AlreadyExists(Conflict):
    """An object with this unique name or key already exists."""

    code = "already_exists"


class IdempotencyConflict(Conflict):
    """An idempotency key was reused with a different payload."""

    code = "idempotency_conflict"


class NoAnalysis(Conflict):
    """There is no analysis yet to report on; try again after the first votes."""

    code = "no_analysis"


class ClaimDoesNotHold(Conflict):
    """A claim of the advice does not hold on the frozen votes; ``claim`` names it.

    Publishing re-derives every claim of the ledger from the votes and refuses the whole advice
    when one figure differs or one rule fails.
    """

    code = "claim_does_not_hold"

    def __init__(
        self, message: str, *, claim: str = "", params: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(message, detail={"claim": claim}, params=params)
        self.claim = claim


class RateLimited(DeliberateError):
    """Too many requests; ``retry_after`` says how many seconds to wait."""

    code = "rate_limited"

    def __init__(
        self,
        message: str,
        *,
        retry_after: int,
        detail: dict[str, object] | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, detail=detail, params=params)
        self.retry_after = max(1, int(retry_after))


class Unavailable(DeliberateError):
    """A dependency (database, worker) is unavailable; try again later."""

    code = "unavailable"


class Busy(Unavailable):
    """Too much heavy work is waiting already; ``retry_after`` says how many seconds to wait."""

    code = "busy"

    def __init__(
        self,
        message: str,
        *,
        retry_after: int,
        detail: dict[str, object] | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, detail=detail, params=params)
        self.retry_after = max(1, int(retry_after))


class ModelUnavailable(Unavailable):
    """No embedding model could be loaded (and the lexical fallback was not allowed)."""

    code = "model_unavailable"


class AnalysisError(DeliberateError):
    """Input the analysis cannot use at all (degenerate input gives warnings, not this)."""

    code = "analysis_error"


class AnalysisWarning(UserWarning):
    """Base of the typed, non-fatal warnings that analysis results carry."""

    code: ClassVar[str] = "analysis_warning"


def all_error_classes() -> list[type[DeliberateError]]:
    """Every class in the tree, base first, in definition order."""
    found: list[type[DeliberateError]] = []
    pending: list[type[DeliberateError]] = [DeliberateError]
    while pending:
        cls = pending.pop(0)
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
