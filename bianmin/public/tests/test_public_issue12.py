"""Issue 12 item 4: the public pages lead to the lookup; the lookup explains a moving date (pauses, extension);
the catalogue finds a word anywhere in an item's texts."""
import datetime as dt

import pytest
import time_machine

from bianmin.cases import services as svc
from bianmin.catalog.selectors import current_versions
from bianmin.testing.cases import paused_and_extended as moved_case
from bianmin.testing.factories import ALL_GOOD, applicant, at, make_catalog_item

pytestmark = pytest.mark.django_db
LOOKUP_API = "/api/v1/public/case-lookup"
DAY = dt.date(2026, 9, 25)  # a Friday: committed deadline 2026-10-15 (see cases/tests/test_clock.py)
PHONE, NAME = "13912345678", "云溪县悦来宾馆有限公司"


@pytest.fixture
def paused_and_extended(cast, item):
    """An SP-01 case with a finished 检测 (3 working days), an approved extension and a running 检验."""
    return moved_case(cast, DAY, kind="ORGANISATION", name=NAME, id_type="", id_number="",
                      credit_code="91350100M000100Y43", legal_rep="李四", phone=PHONE)


@time_machine.travel(at(dt.date(2026, 10, 20)), tick=False)
def test_the_lookup_shows_pauses_and_the_extension_with_their_reasons(client, paused_and_extended):
    case = paused_and_extended
    page = client.post("/lookup/", {"number": case.number, "code": case.query_code}).content.decode()
    assert "检测" in page and "送检样品至省食品检验所" in page and "2026-10-12" in page and "2026-10-15" in page
    assert "检验" in page and "现场设施须经第三方检验" in page and "进行中" in page
    assert "延长 10 个工作日" in page and "需补充现场核查" in page
    assert case.committed_deadline.strftime("%Y-%m-%d") in page
    # Nothing about the applicant: not the name, the phone (nor its last digits shown as such), the credit code.
    for secret in (NAME, "悦来宾馆", PHONE, "139****5678", "91350100M000100Y43", "李四"):
        assert secret not in page


@time_machine.travel(at(dt.date(2026, 10, 20)), tick=False)
@pytest.mark.endpoint("POST", LOOKUP_API)
def test_the_api_lookup_gives_the_same_pauses_and_extension(client, paused_and_extended):
    case = paused_and_extended
    r = client.post(LOOKUP_API, {"number": case.number, "code": case.query_code}, content_type="application/json")
    assert r.status_code == 200
    body = r.json()
    assert [(p["kind"], p["basis"], p["started_on"], p["ended_on"], p["paused_working_days"]) for p in body["pauses"]] \
        == [("TESTING", "送检样品至省食品检验所", "2026-10-12", "2026-10-15", 3),
            ("INSPECTION", "现场设施须经第三方检验", "2026-10-19", None, 0)]
    assert body["pauses"][1]["kind_label"] == "检验"
    assert body["extension"]["days"] == 10 and body["extension"]["reason"] == "需补充现场核查"
    assert body["committed_deadline"] == "2026-11-03"
    text = r.content.decode()
    assert NAME not in text and PHONE not in text and "5678" not in text.replace(case.number, "")


def test_a_case_without_pause_or_extension_shows_neither(client, cast, item):
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=at(DAY))
    r = client.post(LOOKUP_API, {"number": case.number, "code": case.query_code}, content_type="application/json")
    assert r.json()["pauses"] == [] and r.json()["extension"] is None
    page = client.post("/lookup/", {"number": case.number, "code": case.query_code}).content.decode()
    assert "特别程序" not in page and "经批准延期" not in page


def test_a_pending_extension_is_not_shown_as_approved(client, cast, item):
    clerk = cast["window_a"]
    case = svc.receive_case(actor=clerk, item_code="SP-01", applicant=applicant(), materials=ALL_GOOD, now=at(DAY))
    svc.accept_case(actor=clerk, number=case.number, now=at(DAY))
    svc.request_extension(actor=clerk, number=case.number, reason="内部理由", now=at(DAY))
    r = client.post(LOOKUP_API, {"number": case.number, "code": case.query_code}, content_type="application/json")
    assert r.json()["extension"] is None


@pytest.mark.parametrize("path", ["/", "/items/", "/items/YX-0001/"])
def test_the_public_pages_link_to_the_lookup(client, cast, path):
    make_catalog_item(cast)
    page = client.get(path).content.decode()
    assert 'href="/lookup/"' in page and "办件进度查询" in page


def test_the_home_page_has_its_own_lookup_card(client, db):
    page = client.get("/").content.decode()
    assert 'id="lookup-link" href="/lookup/"' in page or 'href="/lookup/" id="lookup-link"' in page


@pytest.fixture
def medical_items(cast):
    make_catalog_item(cast, "YB-01", name="城乡居民医保参保登记")
    make_catalog_item(cast, "YB-02", name="门诊慢特病待遇认定", conditions="参加本县医保且处于正常参保状态")
    make_catalog_item(cast, "YB-03", name="异地就医备案", legal_basis="《基本医疗保险跨省异地就医直接结算经办规程》",
                      implementing_organ="测试县医疗保障局（医保经办）")
    make_catalog_item(cast, "WS-01", name="公共场所卫生许可", result_name="公共场所卫生许可证")
    make_catalog_item(cast, "WS-02", name="卫生许可证延续", result_name="公共场所卫生许可证")
    make_catalog_item(cast, "GT-01", name="个体工商户登记")


def codes(q: str) -> list[str]:
    return [v.item.code for v in current_versions(q=q)]


def test_catalogue_search_finds_a_word_anywhere_names_first(medical_items):
    assert codes("医保") == ["YB-01", "YB-02", "YB-03"]  # in the middle of a name, in conditions, in the organ
    assert codes("卫生许可证") == ["WS-02", "WS-01"]  # the name that has it first, then the result's name
    assert codes("参保") == ["YB-01", "YB-02"]  # in a name, then in a description
    assert codes("就医 备案") == ["YB-03"]  # every word must be found
    assert codes("ws-01") == ["WS-01"]  # the code, as before
    assert codes("不存在的事项") == []
    assert len(codes("")) == 6


@pytest.mark.endpoint("GET", "/api/v1/items")
def test_the_catalogue_page_and_api_search_the_same_way(client, medical_items):
    page = client.get("/items/", {"q": "医保"}).content.decode()
    for name in ("城乡居民医保参保登记", "门诊慢特病待遇认定", "异地就医备案"):
        assert name in page
    assert "个体工商户登记" not in page
    r = client.get("/api/v1/items", {"q": "卫生许可证"})
    assert r.status_code == 200 and [row["code"] for row in r.json()["results"]] == ["WS-02", "WS-01"]
