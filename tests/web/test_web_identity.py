"""Credentials on their own: cookie names and lifetimes, where a token is read, and signatures.

The permission tests see these through whole requests; here each rule is stated where it is
made (``web.core.identity``), so that a changed lifetime, a swapped order or a loosened
signature check fails a test that names it.
"""

from __future__ import annotations

import pytest
from starlette.requests import Request
from starlette.responses import Response

from web.core.identity import (
    FACILITATOR,
    HOST,
    HOST_LOGIN_SECONDS,
    PARTICIPANT,
    SESSION_COOKIE,
    bearer_token,
    host_cookie_name,
    host_token,
    participant_cookie_name,
    participant_id_from_token,
    participant_token,
    verify_host_token,
)

KEY = "a-secret-key-for-these-tests"
PARTICIPANT_ID = "p" * 22
SESSION_ID = "0123456789abcdef0123456789abcdef"
FACILITATOR_TOKEN = "f" * 43


def _request(path: str = "/", *, cookie: str = "", authorization: str = "") -> Request:
    headers = []
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    if authorization:
        headers.append((b"authorization", authorization.encode()))
    return Request({"type": "http", "method": "GET", "path": path, "headers": headers})


def test_each_kind_keeps_its_cookie_as_long_as_it_should() -> None:
    assert (PARTICIPANT.max_age, PARTICIPANT.samesite) == (180 * 24 * 60 * 60, "lax")
    assert (HOST.max_age, HOST.samesite) == (HOST_LOGIN_SECONDS, "strict")
    assert HOST_LOGIN_SECONDS == 12 * 60 * 60  # an evening
    assert (FACILITATOR.max_age, FACILITATOR.samesite) == (None, "lax")  # the browser session
    assert (PARTICIPANT.bearer_under_api_only, HOST.bearer_under_api_only) == (False, False)
    assert FACILITATOR.bearer_under_api_only


def test_cookie_names_carry_their_scope() -> None:
    assert participant_cookie_name("c1") == "__Host-participant-c1"
    assert host_cookie_name(SESSION_ID) == f"__Host-deliberate-host-{SESSION_ID}"
    assert SESSION_COOKIE == FACILITATOR.cookie_name() == "__Host-deliberate-session"


def test_a_set_cookie_is_secure_httponly_and_scoped_to_the_site() -> None:
    response = Response()
    PARTICIPANT.set_cookie(response, "token", "c1")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-participant-c1=token;")
    for part in ("HttpOnly", "Max-Age=15552000", "Path=/", "SameSite=lax", "Secure"):
        assert part in cookie
    gone = Response()
    HOST.clear_cookie(gone, SESSION_ID)
    cleared = gone.headers["set-cookie"]
    assert cleared.startswith(f"__Host-deliberate-host-{SESSION_ID}=")
    for part in ("Max-Age=0", "Path=/", "SameSite=strict", "Secure", "HttpOnly"):
        assert part in cleared


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer   abc  ", "abc"),
        ("Basic abc", None),
        ("Bearer ", None),
        ("Bearer    ", None),
        ("", None),
    ],
)
def test_bearer_tokens_are_read_from_the_authorization_header(
    header: str, token: str | None
) -> None:
    assert bearer_token(_request(authorization=header)) == token


def test_a_facilitator_cookie_wins_and_a_bearer_counts_under_the_api_only() -> None:
    other = "g" * 43
    both = {"cookie": f"{SESSION_COOKIE}={FACILITATOR_TOKEN}", "authorization": f"Bearer {other}"}
    assert FACILITATOR.presented(_request("/api/x", **both)) == FACILITATOR_TOKEN
    assert FACILITATOR.presented(_request("/api/x", authorization=f"Bearer {other}")) == other
    assert FACILITATOR.presented(_request("/f/x", authorization=f"Bearer {other}")) is None
    assert FACILITATOR.presented(_request("/f/x", cookie=both["cookie"])) == FACILITATOR_TOKEN
    # A malformed cookie is passed over for a well-formed bearer token.
    bad = f"{SESSION_COOKIE}=short"
    assert FACILITATOR.presented(_request("/api/x", cookie=bad, authorization=f"Bearer {other}"))


def test_a_participant_bearer_wins_over_the_cookie_and_must_be_well_formed() -> None:
    mine = participant_token(KEY, PARTICIPANT_ID)
    theirs = participant_token(KEY, "q" * 22)
    cookie = f"{participant_cookie_name('c1')}={mine}"
    request = _request("/c/c1", cookie=cookie, authorization=f"Bearer {theirs}")
    assert PARTICIPANT.presented(request, "c1") == theirs
    assert PARTICIPANT.presented(_request("/c/c1", cookie=cookie), "c1") == mine
    assert PARTICIPANT.presented(_request("/c/c1", cookie=cookie), "c2") is None
    bare = f"{participant_cookie_name('c1')}={PARTICIPANT_ID}"
    assert PARTICIPANT.presented(_request("/c/c1", cookie=bare), "c1") is None


def test_participant_tokens_are_signed_for_one_pseudonym_under_one_key() -> None:
    token = participant_token(KEY, PARTICIPANT_ID)
    assert participant_id_from_token(KEY, token) == PARTICIPANT_ID
    assert participant_id_from_token("another-key", token) is None
    assert participant_id_from_token(KEY, PARTICIPANT_ID) is None  # a bare id is not enough
    forged = f"{'q' * 22}.{token.split('.')[1]}"
    assert participant_id_from_token(KEY, forged) is None
    # The host's signature over the same text is another kind's: it does not pass.
    assert participant_id_from_token(KEY, f"{PARTICIPANT_ID}.{HOST.sign(KEY, PARTICIPANT_ID)}") is (
        None
    )


def test_a_host_token_holds_for_its_session_version_and_evening_only() -> None:
    expires = 1_800_000_000
    token = host_token(KEY, SESSION_ID, "v1", expires=expires)
    assert token.startswith(f"h.{SESSION_ID}.{expires}.")
    assert verify_host_token(KEY, token, SESSION_ID, "v1", now=expires - 1)
    assert not verify_host_token(KEY, token, SESSION_ID, "v1", now=expires)
    assert not verify_host_token(KEY, token, SESSION_ID, "v2", now=expires - 1)  # code reissued
    assert not verify_host_token(KEY, token, "f" * 32, "v1", now=expires - 1)
    assert not verify_host_token("another-key", token, SESSION_ID, "v1", now=expires - 1)
    later = token.replace(f".{expires}.", f".{expires + 1}.")  # a stretched expiry
    assert not verify_host_token(KEY, later, SESSION_ID, "v1", now=expires - 1)
    assert not verify_host_token(KEY, "h.nonsense", SESSION_ID, "v1", now=0)
