"""Pages of a list for HTML screens: a page number that is not one is a 400 naming the field, never a 500.

Past the last page a screen shows the last page (Django's ``get_page``): a bookmarked page 7 of a list that has
shrunk still shows something. A value that is not a page number at all — not an integer, below 1, or beyond
``MAX_PAGE`` — is refused with ``InvalidParameter``, which the 400 handler shows with its message (issue 11 item 8).
"""
from __future__ import annotations

from django.core.exceptions import BadRequest
from django.core.paginator import Page, Paginator

MAX_PAGE = 100_000


class InvalidParameter(BadRequest):
    """A query parameter has a value the screen cannot use; ``field`` names it, ``message`` says why (Chinese)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def page_of(object_list, per_page: int, raw_page: str | None, *, field: str = "page") -> Page:
    """Return page ``raw_page`` (default 1; past the end, the last page) of ``object_list``.

    Raises InvalidParameter naming ``field`` when ``raw_page`` is not an integer from 1 to MAX_PAGE.
    """
    raw = (raw_page or "1").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_PAGE)) or not 1 <= int(raw) <= MAX_PAGE:
        raise InvalidParameter(field, f"页码（{field}）应为 1 至 {MAX_PAGE} 之间的整数")
    return Paginator(object_list, per_page).get_page(int(raw))
