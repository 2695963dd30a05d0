"""`deliberate demo` and `serve` tell the facilitator the address phones in the room use."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
import segno
from web_helpers import *  # noqa: F403 - the fixtures

from web import room_link
from web.room_link import room_lines

EVERY_INTERFACE = str(ipaddress.IPv4Address(0))


def test_a_loopback_server_says_how_to_reach_the_wifi() -> None:
    (line,) = room_lines("127.0.0.1", 8000)
    assert "--host 0.0.0.0" in line
    (line,) = room_lines("localhost", 8000)
    assert "--host 0.0.0.0" in line


def test_a_lan_address_gets_its_link_and_a_qr_code() -> None:
    link, drawing = room_lines("192.168.1.20", 8000, "/j/GROEN")
    assert "http://192.168.1.20:8000/j/GROEN" in link
    assert "plain http" in link
    rows = drawing.splitlines()
    # The same code segno draws for that link, in half-height blocks.
    expected = segno.make("http://192.168.1.20:8000/j/GROEN", error="m")
    assert len(rows) == (expected.symbol_size(border=2)[1] + 1) // 2
    assert {"█", "▀", "▄"} <= set(drawing)


def test_all_interfaces_use_this_machines_lan_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(room_link, "lan_address", lambda: "10.0.0.7")
    link, _ = room_lines(EVERY_INTERFACE, 8140)
    assert "http://10.0.0.7:8140/" in link
    monkeypatch.setattr(room_link, "lan_address", lambda: None)
    (line,) = room_lines(EVERY_INTERFACE, 8140)
    assert "no network address" in line


def test_the_main_projector_shows_the_join_qr_code(world: Any) -> None:
    client = world.facilitator_client()
    page = client.get(f"/f/c/{world.consultation_id}/projector").text
    qr = f"/f/c/{world.consultation_id}/qr.svg"
    assert f'src="{qr}"' in page
    assert f"/j/{world.join_code}" in page
    assert client.get(qr).headers["content-type"] == "image/svg+xml"
