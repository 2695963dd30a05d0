"""The participant's routes: who may call each, and the resource it lives under."""

from __future__ import annotations

from web.core.routing import Endpoint, Parent, Who
from web.participant import advice, mine, pages

__all__ = ["ROUTES"]

_C = "/c/{consultation_id:str}"
_A = "/advies/{consultation_id:str}"
_JOIN_FIRST = "/c/{consultation_id}"
_PUBLIC, _PARTICIPANT = Who.PUBLIC, Who.PARTICIPANT
_CONSULTATION = Parent.CONSULTATION

ROUTES: list[Endpoint] = [
    Endpoint(("GET",), "/", pages.home, _PUBLIC),
    Endpoint(("GET",), "/join", pages.join_by_code, _PUBLIC),
    Endpoint(("GET",), "/j/{join_code:str}", pages.join_by_code, _PUBLIC),
    Endpoint(("GET",), "/j/{join_code:str}/{number:str}", pages.join_room_by_number, _PUBLIC),
    Endpoint(("GET",), "/r/{session_id:str}", pages.room_intro, _PUBLIC, Parent.SESSION),
    Endpoint(("GET",), _C, pages.intro, _PUBLIC, _CONSULTATION),
    Endpoint(("POST",), f"{_C}/join", pages.join, _PUBLIC, _CONSULTATION),
    Endpoint(("GET",), f"{_C}/vote", mine.vote_page, _PARTICIPANT, _CONSULTATION, _JOIN_FIRST),
    Endpoint(
        ("POST",), f"{_C}/vote", mine.vote, _PARTICIPANT, _CONSULTATION, checked_by_service=True
    ),
    Endpoint(("GET",), f"{_C}/votes", mine.my_votes, _PARTICIPANT, _CONSULTATION, _JOIN_FIRST),
    Endpoint(("GET",), f"{_C}/add", mine.add_page, _PARTICIPANT, _CONSULTATION, _JOIN_FIRST),
    Endpoint(("POST",), f"{_C}/add", mine.add, _PARTICIPANT, _CONSULTATION),
    Endpoint(("GET",), f"{_C}/results", mine.results, _PARTICIPANT, _CONSULTATION, _JOIN_FIRST),
    Endpoint(("GET",), f"{_C}/me", mine.my_data, _PARTICIPANT, _CONSULTATION, _JOIN_FIRST),
    Endpoint(("GET",), f"{_C}/me/export.json", mine.export, _PARTICIPANT, _CONSULTATION),
    Endpoint(("POST",), f"{_C}/me/erase", mine.erase, _PARTICIPANT, _CONSULTATION),
    # The published advice is public: anyone may read every published version.
    Endpoint(("GET",), _A, advice.latest_advice, _PUBLIC, _CONSULTATION),
    # The file route comes first: "1.pdf" would also match the page's {version}.
    Endpoint(
        ("GET",), f"{_A}/{{version:str}}.{{fmt:str}}", advice.advice_file, _PUBLIC, _CONSULTATION
    ),
    Endpoint(("GET",), f"{_A}/{{version:str}}", advice.advice_page, _PUBLIC, _CONSULTATION),
    Endpoint(("GET",), f"{_A}/{{version:str}}/qr.svg", advice.advice_qr, _PUBLIC, _CONSULTATION),
]
