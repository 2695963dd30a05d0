"""The address phones in the room use: the laptop's LAN address, printed with a QR code.

``deliberate demo`` and ``deliberate serve`` print it when they start. A server bound to
loopback cannot be reached from a phone, so then the line says how to start it instead.
"""

from __future__ import annotations

import io
import ipaddress
import socket

import segno

__all__ = ["lan_address", "lan_base", "room_lines"]


def lan_address() -> str | None:
    """This machine's address on the local network, or ``None`` when it has none.

    Connecting a UDP socket sends nothing; it only asks the kernel which interface it would use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, never answered
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if ipaddress.ip_address(address).is_loopback else address


def _bound_to(host: str) -> str:
    """``loopback``, ``all`` (every interface) or ``one`` (an address or name phones can use)."""
    if host == "localhost":
        return "loopback"
    if not host:
        return "all"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "one"
    return "loopback" if address.is_loopback else "all" if address.is_unspecified else "one"


def lan_base(host: str, port: int) -> str | None:
    """``http://<LAN address>:<port>`` when a server bound to ``host`` serves the wifi, else None.

    ``deliberate demo`` and ``serve`` make it the public URL, so that the console and the
    projectors show a join link and QR code that phones can open even when the facilitator's
    own browser uses 127.0.0.1.
    """
    bound = _bound_to(host)
    if bound == "loopback":
        return None
    address = host if bound == "one" else lan_address()
    return None if address is None else f"http://{address}:{port}"


def room_lines(host: str, port: int, path: str = "/") -> list[str]:
    """What to print for the phones: the LAN link and its QR code, or how to get one."""
    if _bound_to(host) == "loopback":
        return [
            f"  Phones in the room: restart with --host 0.0.0.0 to serve the wifi (now only "
            f"this computer reaches {host}:{port})."
        ]
    base = lan_base(host, port)
    if base is None:
        return ["  Phones in the room: this computer has no network address right now."]
    url = f"{base}{path}"
    drawing = io.StringIO()
    segno.make(url, error="m").terminal(out=drawing, compact=True, border=2)
    return [
        f"  Phones in the room: {url}   (plain http on this wifi; see docs/security.md)",
        drawing.getvalue().rstrip("\n"),
    ]
