"""Synthetic people for the demo and for tests: names from fixed lists, IDs with valid checksums."""
from __future__ import annotations

import datetime as dt
import random

from bianmin.core.validators import id_check_char

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["明", "华", "芳", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "超", "霞", "平", "刚", "桂英",
         "秀兰", "建国", "晓东", "海燕", "文博", "雨桐", "子涵", "思远", "嘉怡", "志强", "春梅", "国庆", "玉兰", "振华", "晓燕"]


def synthetic_name(rng: random.Random) -> str:
    """Return a plausible, fictitious Chinese name."""
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def synthetic_id(rng: random.Random, *, area: str = "369901", born: dt.date | None = None) -> str:
    """Return a resident ID with a valid checksum under a fictitious address code."""
    if born is None:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
    first17 = f"{area}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + id_check_char(first17)


def synthetic_mobile(rng: random.Random) -> str:
    """Return a mobile number in a range reserved for tests (199 0xxx xxxx)."""
    return f"1990{rng.randrange(0, 10_000_000):07d}"
