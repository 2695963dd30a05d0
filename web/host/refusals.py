"""Why a table's entry was refused, in the host's language, naming the row and the problem."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from deliberate.errors import (
    AlreadyExists,
    DeliberateError,
    DuplicateStatement,
    InvalidInput,
    PhaseNotAllowed,
    StatementTooLong,
    StatementTooShort,
    TooManyHands,
)
from web.core.i18n import N_, choose_language, translator
from web.core.state import state

__all__ = ["CHOOSE_STATEMENT", "COUNTS", "refusal_message"]

# What went wrong in a paper form or upload, by the core's stable ``problem`` code. The row (as
# the spreadsheet numbers it) is put in front when there is one.
_PROBLEMS: dict[str, str] = {
    "no_file": N_("choose a CSV or XLSX file to upload"),
    "too_large": N_("the file is too large"),
    "not_csv_or_xlsx": N_("this is not a CSV or XLSX file; save the sheet as .xlsx or 'CSV UTF-8'"),
    "not_utf8": N_("the file is not readable text; save it as 'CSV UTF-8'"),
    "no_header": N_("the file is empty, or its first row has no column names"),
    "missing_form_column": N_("the first column must be 'formulier' (the form number)"),
    "unknown_statement": N_("column %(column)s is not a statement code on this form"),
    "duplicate_column": N_("column %(column)s appears twice"),
    "missing_column": N_("column %(column)s is missing"),
    "too_many_rows": N_("the file has too many rows"),
    "too_many_columns": N_(
        "the sheet has cells far to the right of the forms; copy the forms into a new sheet"
    ),
    "too_slow": N_(
        "the spreadsheet takes too long to read; save it again as a plain .xlsx or as 'CSV UTF-8'"
    ),
    "no_rows": N_("the file has no forms, only the first row"),
    "bad_form_number": N_("the form number is empty or not a whole number"),
    "form_number_out_of_range": N_("form %(form_number)s is not a form of this table"),
    "duplicate_form_number": N_("form %(form_number)s appears twice in the file"),
    "form_already_entered": N_("form %(form_number)s has already been entered"),
    "unknown_answer": N_(
        "in column %(column)s, '%(value)s' is not eens, oneens, weet niet or empty"
    ),
    "empty_form": N_("form %(form_number)s has no answers"),
    "extra_cells": N_("this row has more cells than the first row has columns"),
}
# A file past the upload's limit names it (a workbook too large when unpacked has no one limit).
_PAST_LIMIT = N_("the file is larger than %(limit)s; send a smaller file")
_ROW = N_("Row %(row)s: %(problem)s.")
_NO_ROW = N_("%(problem)s.")
# Other refusals at the table, most specific first; detail fields fill the placeholders.
_REFUSALS: tuple[tuple[type[DeliberateError], str], ...] = (
    (DuplicateStatement, N_("This statement is already in the consultation.")),
    (StatementTooShort, N_("A statement needs at least %(min_length)s characters.")),
    (
        StatementTooLong,
        N_("A statement may have at most %(max_length)s characters; this one has %(length)s."),
    ),
    (PhaseNotAllowed, N_("The round is not open for this now. Ask the facilitator.")),
    (
        TooManyHands,
        N_(
            "%(hands)s hands were counted at table %(table)s, but %(people)s people sit there."
            " Count again, or ask the facilitator to declare how many people sit at the table."
        ),
    ),
    (InvalidInput, N_("Something is not right with what you sent.")),
)
CHOOSE_STATEMENT = N_("Choose a statement from the form.")
COUNTS = N_("Counts are whole numbers from 0 to %(max)s, with at least one hand.")
_OWN_MESSAGES = frozenset({CHOOSE_STATEMENT, COUNTS})


def _gettext(request: Request, message: str, values: dict[str, Any] | None = None) -> str:
    language = choose_language(request, state(request).settings.default_language)
    text = translator(language).gettext(message)
    return text % values if values is not None else text


def refusal_message(request: Request, error: DeliberateError) -> str:
    """Why the table's entry was refused, in the visitor's language, with the row if any."""
    detail = {key: "" if value is None else value for key, value in (error.detail or {}).items()}
    if isinstance(error, AlreadyExists) and "form_number" in detail:
        detail["problem"] = "form_already_entered"
    if error.message in _OWN_MESSAGES:
        return _gettext(request, error.message, detail)
    template = _PROBLEMS.get(str(detail.get("problem")))
    if detail.get("problem") == "too_large" and detail.get("limit"):
        template = _PAST_LIMIT
    if template is None:
        for kind, fallback in _REFUSALS:
            if isinstance(error, kind):
                try:
                    return _gettext(request, fallback, detail)
                except (KeyError, ValueError, TypeError):
                    break
        return str(error)
    try:
        problem = _gettext(request, template, detail)
    except (KeyError, ValueError, TypeError):
        return str(error)
    if detail.get("row") in (None, ""):
        return _gettext(request, _NO_ROW, {"problem": problem[:1].upper() + problem[1:]})
    return _gettext(request, _ROW, {"row": detail["row"], "problem": problem})
