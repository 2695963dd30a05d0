"""The table host's routes: who may call each, and the resource it lives under."""

from __future__ import annotations

from deliberate.interop.form_upload import MAX_UPLOAD_BYTES
from web.core.routing import Endpoint, Parent, Who
from web.host import login, pages

__all__ = ["ROUTES"]

_H = "/h/{session_id:str}"
_T = f"{_H}/t/{{table:int}}"
_LOGIN = "/h/{session_id}"
_GET, _POST = ("GET",), ("POST",)
_HOST, _TABLE = Who.HOST, Parent.TABLE

ROUTES: list[Endpoint] = [
    Endpoint(_GET, _H, login.session_home, Who.PUBLIC, Parent.SESSION),
    Endpoint(_POST, f"{_H}/login", login.login, Who.PUBLIC, Parent.SESSION),
    Endpoint(_POST, f"{_H}/logout", login.logout, Who.PUBLIC),
    Endpoint(_GET, _T, pages.table_page, _HOST, _TABLE, _LOGIN),
    Endpoint(_POST, f"{_T}/forms", pages.enter_form, _HOST, _TABLE),
    Endpoint(_POST, f"{_T}/upload", pages.upload_forms, _HOST, _TABLE, max_upload=MAX_UPLOAD_BYTES),
    Endpoint(_POST, f"{_T}/tally", pages.record_tally, _HOST, _TABLE),
    Endpoint(_POST, f"{_T}/statements", pages.add_statement, _HOST, _TABLE),
    Endpoint(_GET, f"{_T}/forms.pdf", pages.forms_pdf, _HOST, _TABLE),
    Endpoint(_GET, f"{_T}/template.csv", pages.upload_template, _HOST, _TABLE),
]
