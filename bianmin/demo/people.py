"""Synthetic people for the demo and for tests: names from fixed lists, IDs with valid checksums."""
from __future__ import annotations

import datetime as dt
import random

from bianmin.core.validators import CREDIT_ALPHABET, credit_check_char, id_check_char

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


# The most common surnames, weighted roughly by how often they occur (fictitious people, realistic spread).
COMMON_SURNAMES = ("王" * 9 + "李" * 9 + "张" * 8 + "刘" * 7 + "陈" * 6 + "杨" * 4 + "黄" * 3 + "赵" * 3 + "吴" * 3
                   + "周" * 3 + SURNAMES + "廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文")
GIVEN_NAMES = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞",
    "平", "刚", "斌", "辉", "鹏", "华", "飞", "鑫", "波", "宁", "琳", "凯", "秀英", "桂英", "秀兰", "玉兰", "桂兰",
    "秀珍", "凤英", "玉梅", "建华", "建国", "建军", "国强", "志强", "志明", "海燕", "海涛", "春梅", "春花",
    "晓东", "晓燕", "晓峰", "晓明", "丽娟", "丽华", "红梅", "红霞", "文博", "文杰", "雨桐", "子涵", "子轩",
    "思远", "嘉怡", "欣怡", "梓涵", "浩然", "宇航", "俊杰", "一鸣", "佳琪", "诗涵", "雅婷", "婷婷", "倩",
    "振华", "永红", "永刚", "金凤", "德明", "德胜", "长青", "学文", "少华", "宏伟", "家豪", "美玲", "淑珍",
    "福生", "有才", "水生", "来娣", "玉珍", "翠兰", "月英", "荣华", "成林", "泽宇", "梦瑶", "若曦", "天佑",
]
COMPANY_WORDS = ["悦来", "鸿达", "福源", "兴旺", "顺丰源", "青溪", "云泰", "桃源", "瑞丰", "恒信", "宏图", "金穗",
                 "绿野", "百草堂", "同心", "康宁", "溪畔", "山水", "华盛", "聚福", "万家", "惠民", "嘉禾", "晨光"]
COMPANY_TRADES = [("宾馆", "有限公司"), ("餐饮", "有限公司"), ("食品", "商行"), ("大药房", "有限公司"),
                  ("农业开发", "有限公司"), ("建材", "经营部"), ("超市", "有限公司"), ("茶业", "专业合作社"),
                  ("物流", "有限公司"), ("电子商务", "有限公司"), ("美容美发", "店"), ("酒店管理", "有限公司")]


def person_name(rng: random.Random) -> str:
    """Return a plausible, fictitious Chinese name (common surnames more often, one- or two-character given
    names)."""
    surname, given = rng.choice(COMMON_SURNAMES), rng.choice(GIVEN_NAMES)
    while given.startswith(surname):  # not 金金凤
        given = rng.choice(GIVEN_NAMES)
    return surname + given


def company_name(rng: random.Random, area: str = "云溪县") -> str:
    """Return a fictitious company name of the county, e.g. 云溪县悦来宾馆有限公司."""
    trade, form = rng.choice(COMPANY_TRADES)
    return f"{area}{rng.choice(COMPANY_WORDS)}{trade}{form}"


def synthetic_credit_code(rng: random.Random, *, area: str = "369901", kind: str = "91") -> str:
    """Return a unified social credit code with a valid GB 32100 check character (91: an enterprise registered
    by market regulation, 92: an individual business) under a fictitious address code."""
    body = "MA" + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(7))
    first17 = f"{kind}{area}{body}"
    return first17 + credit_check_char(first17)


def synthetic_landline(rng: random.Random) -> str:
    """Return a landline of the demo county's fictitious 0799 area."""
    return f"0799-6{rng.randrange(0, 1_000_000):06d}"
