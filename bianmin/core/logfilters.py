"""A logging filter that masks full ID numbers and phone numbers in every record (decision 0018).

Installed on every handler in ``LOGGING`` (config/settings/base.py), so access logs (``django.server``,
``gunicorn.access``) never keep the query string of a search by ID or phone, nor does any other record. An ID is
any 18-character run of 17 digits and a digit or X; a mobile is 1[3-9] and 9 more digits (with an optional
+86/0086 and spaces, dashes or ``+``/``%20`` between the groups); a landline is 0, an area code and 7–8 digits. A
record whose text contains them only percent-encoded or in full-width digits is written URL-decoded and
NFKC-folded, masked.
"""
from __future__ import annotations

import logging
import re
import traceback
import unicodedata
from urllib.parse import unquote_plus

_EDGE_BEFORE, _EDGE_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_SEP = r"(?:[\s\-+]|%20)?"
_ID = re.compile(_EDGE_BEFORE + r"([0-9]{3})[0-9]{11}([0-9]{4}|[0-9]{3}[Xx])" + _EDGE_AFTER)
_MOBILE = re.compile(_EDGE_BEFORE + r"(?:(?:\+|%2[Bb]|00)?86" + _SEP + r")?(1[3-9][0-9])" + _SEP + r"[0-9]{4}"
                     + _SEP + r"([0-9]{4})" + _EDGE_AFTER)
_LANDLINE = re.compile(_EDGE_BEFORE + r"(0[1-9][0-9]{1,2})[\s\-]?[0-9]{3,4}([0-9]{4})" + _EDGE_AFTER)


def _mask(text: str) -> str:
    text = _ID.sub(lambda m: f"{m.group(1)}{'*' * 11}{m.group(2)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def mask_personal_data(text: str) -> str:
    """Return ``text`` with every full ID and phone number masked (``110***********002X``, ``138****8000``)."""
    masked = _mask(text)
    if "%" in masked or not masked.isascii():
        folded = unicodedata.normalize("NFKC", unquote_plus(masked))
        refolded = _mask(folded)
        if refolded != folded:  # something was hidden by percent-encoding or full-width digits
            return refolded
    return masked


class MaskPersonalData(logging.Filter):
    """Mask full IDs and phones in the message, the exception text and the stack of every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is written as it is (logging reports the error)
            return True
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
