"""``docs/permissions.md``, generated from the route table (``python -m web.permissions``).

Each row of :data:`web.routes.ROUTES` says who may call it; this module turns that into the
route × role matrix. ``tests/web/test_web_permissions.py`` fails when the file on disk differs
from :func:`permissions_markdown`, and calls every route as every role to check the cells.
"""

from __future__ import annotations

import sys
from pathlib import Path

from web.core.routing import Endpoint, Who
from web.routes import ROUTES

__all__ = ["ROLES", "allowed", "permissions_markdown"]

ROLES = ("anonymous", "participant", "stranger", "viewer", "moderator", "owner", "host")
_ALLOWED: dict[Who, frozenset[str]] = {
    Who.PUBLIC: frozenset(ROLES),
    Who.PARTICIPANT: frozenset({"participant"}),
    Who.FACILITATOR: frozenset({"stranger", "viewer", "moderator", "owner"}),
    Who.VIEWER: frozenset({"viewer", "moderator", "owner"}),
    Who.MODERATOR: frozenset({"moderator", "owner"}),
    Who.OWNER: frozenset({"owner"}),
    Who.HOST: frozenset({"moderator", "owner", "host"}),
}
_HEAD = """# Permissions: who may call which route

This is the route × role matrix of the web app, generated from the route table
(`web/routes.py`) by `python -m web.permissions`; do not edit it by hand.
`tests/web/test_web_permissions.py` (R-C5) fails when this file differs from the table, and calls
every route as each role to check the answer against it.

Roles:

- **anonymous**: no cookie, no token.
- **participant**: joined this consultation and gave consent (cookie, or `Authorization: Bearer`
  with the participant token on `/api/`).
- **stranger**: a logged-in facilitator without a role in this consultation.
- **viewer**, **moderator**, **owner**: a facilitator with that role in this consultation. Each
  role includes the ones before it.
- **host**: a table host of a session of this consultation, logged in with the session's host
  code (cookie, or `Authorization: Bearer` with the host token on `/api/`). A host has no
  account: everywhere else a host is anonymous. Moderators and owners may do what hosts do.

`yes` means the request passes the permission check (it may still fail on its input, e.g. 422).
`no` means 401, 403 or 404, or for a page a redirect to the login or the join page. Logging in
and out (facilitators and hosts) is open to everyone: a 401 for a wrong password or the redirect
after logging out are answers, not refusals. A stranger gets 404 for another consultation's
facilitator pages, so that ids cannot be probed. The last column names the resource the route
lives under; the loader resolves it and checks that it belongs to its parent before any handler
runs.

"""


def allowed(endpoint: Endpoint) -> dict[str, bool]:
    """Role → whether it passes the permission check of ``endpoint``."""
    return {role: role in _ALLOWED[endpoint.who] for role in ROLES}


def permissions_markdown() -> str:
    """The whole of ``docs/permissions.md``."""
    rows = [
        f"| Route | {' | '.join(ROLES)} | under |",
        "|---" * (len(ROLES) + 2) + "|",
    ]
    for endpoint in ROUTES:
        cells = " | ".join("yes" if ok else "no" for ok in allowed(endpoint).values())
        for method in endpoint.methods:
            rows.append(f"| `{method} {endpoint.template}` | {cells} | {endpoint.parent.value} |")
    return _HEAD + "\n".join(rows) + "\n\nStatic files under `/static/` are public.\n"


if __name__ == "__main__":  # pragma: no cover - the command that writes the file
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/permissions.md")
    target.write_text(permissions_markdown(), encoding="utf-8")
