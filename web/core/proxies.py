"""Client addresses behind reverse proxies, trusted only where the operator says so.

:class:`TrustedProxies` takes the client address (and scheme) from ``X-Forwarded-For`` and
``X-Forwarded-Proto`` only when the connection comes from a proxy named in
``DELIBERATE_TRUSTED_PROXIES``; from anyone else the headers are ignored, so rotating them cannot
dodge a per-address limit. uvicorn's own handling of these headers trusts loopback by default
and must be off (``proxy_headers=False``) for this to hold.

The app factory puts it outermost with ``DELIBERATE_TRUSTED_PROXIES``; ``deliberate serve``
runs uvicorn with ``proxy_headers=False``.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from web.core.security import header

__all__ = ["Network", "TrustedProxies", "parse_networks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"10.0.0.1, 192.168.0.0/16"`` → networks; :class:`ValueError` naming a bad entry."""
    found = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            found.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(
                f"DELIBERATE_TRUSTED_PROXIES: {part!r} is no address or network"
            ) from None
    return tuple(found)


class TrustedProxies:
    """Honours ``X-Forwarded-For``/``-Proto`` only from the proxies in ``trusted``.

    The client is the right-most forwarded address that is not itself a trusted proxy (each
    proxy appends the address it saw). Anything unreadable leaves the connection's own address.
    """

    def __init__(self, app: ASGIApp, *, trusted: Sequence[Network] = ()) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if (
            self.trusted  # none by default: no address to parse on every request
            and scope["type"] in {"http", "websocket"}
            and client
            and self._is_trusted(client[0])
        ):
            scope = dict(scope)
            forwarded = header(scope, b"x-forwarded-for")
            if forwarded:
                hops = [hop.strip() for hop in forwarded.split(",")]
                chosen = next((h for h in reversed(hops) if not self._is_trusted(h)), hops[0])
                with contextlib.suppress(ValueError):  # not an address: keep the proxy's
                    scope["client"] = (str(ipaddress.ip_address(chosen)), 0)
            proto = (header(scope, b"x-forwarded-proto") or "").split(",")[-1].strip().lower()
            if proto in {"http", "https"}:
                secure = proto == "https"
                scope["scheme"] = (
                    ("wss" if secure else "ws") if scope["type"] == "websocket" else proto
                )
        await self.app(scope, receive, send)
