"""Routes that take a file: their own body allowance, in place of ``Settings.max_body_size``.

A route that accepts an upload declares the largest file it takes (``Endpoint.max_upload``,
the same constant its handler and the core check the file against). :func:`body_allowances`
turns those rows into :class:`BodyAllowance` entries for :class:`web.core.security.BodyLimit`:
on such a route the body may be the file's limit plus :data:`MULTIPART_OVERHEAD` (boundaries,
part headers, the few small form fields), and a larger body gets a 413 that says the file is too
large. Every other route keeps ``Settings.max_body_size``.

So a file just under its limit reaches the handler whatever the global setting is, a file just
over it is refused by the handler with the upload's own message, and a body far over it is cut
off while it streams in, never buffered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.routing import compile_path
from starlette.types import Scope

from deliberate.errors import BodyTooLarge
from web.core.i18n import N_

if TYPE_CHECKING:
    from web.core.routing import Endpoint

__all__ = ["MULTIPART_OVERHEAD", "BodyAllowance", "body_allowances", "body_limit", "size_text"]

# What a browser's multipart body adds around the file: the boundaries, each part's headers
# (the file name included) and the form's other small fields. 64 KiB is far more than that.
MULTIPART_OVERHEAD = 64 * 1024

# One message for each kind of limit, naming the limit (a setting, DELIBERATE_MAX_BODY_SIZE, or
# the route's file limit; both are also in the error's detail, in bytes).
_BODY_TOO_LARGE = N_("the request body is larger than this server accepts (at most %(limit)s)")
_FILE_TOO_LARGE = N_(
    "the file is larger than this upload accepts: at most %(limit)s; send a smaller file"
)


def size_text(size: int) -> str:
    """A byte count as people read it: ``64 KiB``, ``2 MiB``, ``1.5 MiB``, ``900 bytes``."""
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


@dataclass(frozen=True)
class BodyAllowance:
    """One upload route's body limit: ``max_file_size`` plus :data:`MULTIPART_OVERHEAD`."""

    methods: frozenset[str]
    path: re.Pattern[str]
    max_file_size: int

    @property
    def max_body_size(self) -> int:
        """The largest body accepted on this route."""
        return self.max_file_size + MULTIPART_OVERHEAD

    def applies(self, scope: Scope) -> bool:
        """Whether this request goes to the route."""
        return scope["method"] in self.methods and bool(self.path.match(scope.get("path", "")))


def body_allowances(table: Sequence[Endpoint]) -> tuple[BodyAllowance, ...]:
    """The allowances of the routes in ``table`` that declare ``max_upload``."""
    return tuple(
        BodyAllowance(frozenset(row.methods), compile_path(row.path)[0], row.max_upload)
        for row in table
        if row.max_upload is not None
    )


def body_limit(
    scope: Scope, allowances: Sequence[BodyAllowance], max_body_size: int
) -> tuple[int, BodyTooLarge]:
    """The body limit of this request, and the refusal once it is passed."""
    for allowance in allowances:
        if allowance.applies(scope):
            detail: dict[str, object] = {
                "max_body_size": allowance.max_body_size,
                "max_file_size": allowance.max_file_size,
            }
            limit = {"limit": size_text(allowance.max_file_size)}
            return allowance.max_body_size, BodyTooLarge(
                _FILE_TOO_LARGE, detail=detail, params=limit
            )
    return max_body_size, BodyTooLarge(
        _BODY_TOO_LARGE,
        detail={"max_body_size": max_body_size},
        params={"limit": size_text(max_body_size)},
    )
