"""Bounded input types: paging parameters and dates, so that an absurd value is a 400 naming the field rather than
an OFFSET the database cannot hold or a date computation that overflows (issue 11 item 8)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from bianmin.core.timeutils import EARLIEST_DATE, LATEST_DATE

MAX_PAGE = 100_000
MAX_OFFSET = 1_000_000

Page = Annotated[int, Field(ge=1, le=MAX_PAGE, description=f"页码，1–{MAX_PAGE}")]
PageSize = Annotated[int, Field(ge=1, le=100, description="每页条数，1–100")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description=f"跳过的条数，0–{MAX_OFFSET}")]
Limit100 = Annotated[int, Field(ge=1, le=100, description="最多返回的条数，1–100")]
Limit200 = Annotated[int, Field(ge=1, le=200, description="最多返回的条数，1–200")]

Day = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE, description=f"{EARLIEST_DATE} 至 {LATEST_DATE}")]


def page_rows(page: int, size: int) -> slice:
    """Return the slice of the rows on ``page`` (from 1) of ``size`` rows."""
    return slice((page - 1) * size, page * size)
