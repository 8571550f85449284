import pytest

from bianmin.catalog.services import new_draft, publish_version
from bianmin.testing.factories import make_catalog_item, make_item
from conftest import NOW

pytestmark = pytest.mark.django_db


def test_catalogue_lists_and_searches(client, cast, org):
    make_catalog_item(cast, code="YX-0001", implementing_unit=org["dept"])
    make_catalog_item(cast, code="YX-0002", name="犬只登记", level="TOWN", kind="OTHER")
    page = client.get("/items/").content.decode()
    assert "个体工商户登记" in page and "犬只登记" in page and "共 2 个事项" in page
    page = client.get("/items/", {"q": "犬只"}).content.decode()
    assert "犬只登记" in page and "个体工商户登记" not in page
    page = client.get("/items/", {"department": "D1"}).content.decode()
    assert "个体工商户登记" in page and "犬只登记" not in page
    page = client.get("/items/", {"level": "TOWN"}).content.decode()
    assert "犬只登记" in page and "个体工商户登记" not in page
    assert client.get("/items/", {"level": "BOGUS"}).status_code == 200


def test_catalogue_paginates(client, cast):
    for i in range(25):
        make_catalog_item(cast, code=f"P{i:03d}", name=f"事项{i:03d}")
    first = client.get("/items/").content.decode()
    assert "事项000" in first and "事项024" not in first and "第 1 / 2 页" in first
    assert "事项024" in client.get("/items/", {"page": 2}).content.decode()


def test_guide_page_is_complete_and_printable(client, cast):
    make_catalog_item(cast, code="YX-0001")
    r = client.get("/items/YX-0001/")
    page = r.content.decode()
    assert r.status_code == 200
    for text in ("个体工商户登记", "设定依据", "受理条件", "申请材料", "身份证", "收费标准", "工本费", "20.00",
                 "0799-6000000", "要多久？", "data-print"):
        assert text in page, text
    css = client.get("/static/css/bianmin.css")
    body = b"".join(css.streaming_content) if css.streaming else css.content
    assert b"@page { size: A4" in body and b"@media print" in body


def test_old_version_stays_readable(client, cast):
    v1 = make_catalog_item(cast, code="YX-0001")
    draft = new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)
    draft.name = "个体工商户登记（新）"
    draft.save()
    publish_version(actor=cast["sysadmin"], version=draft, now=NOW)
    assert "个体工商户登记（新）" in client.get("/items/YX-0001/").content.decode()
    old = client.get("/items/YX-0001/v1/").content.decode()
    assert "历史版本" in old and "个体工商户登记（新）" not in old.split("<h1>")[1].split("</h1>")[0]


def test_unknown_item_and_draft_version_are_404(client, cast):
    make_catalog_item(cast, code="YX-0001", publish=False)
    assert client.get("/items/YX-0001/").status_code == 404
    assert client.get("/items/YX-0001/v1/").status_code == 404
    assert client.get("/items/NOPE/").status_code == 404


def test_no_external_origins_in_pages(client, cast):
    make_catalog_item(cast, code="YX-0001")
    for url in ("/", "/items/", "/items/YX-0001/", "/staff/login/"):
        page = client.get(url).content.decode()
        assert "http://" not in page and "https://" not in page, url


def test_blank_form_download_is_an_attachment(client, cast):
    from django.core.files.base import ContentFile

    v = make_catalog_item(cast, code="YX-0001")
    material = v.materials.get()
    material.blank_form.save("form.pdf", ContentFile(b"%PDF-1.7 blank"), save=True)
    page = client.get("/items/YX-0001/").content.decode()
    assert "下载空白表格" in page
    r = client.get(f"/items/YX-0001/v1/materials/{material.pk}/blank/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/items/YX-0001/v1/materials/{material.pk}/sample/").status_code == 404
    assert client.get(f"/items/YX-0001/v1/materials/{material.pk}/other/").status_code == 404


def test_the_guide_and_the_catalogue_api_show_the_level_limits(client, cast, org, calendar):
    make_item(cast, org, "TL-10", name="分级公示", committed_limit=10, committed_limit_town=4)
    page = client.get("/items/TL-10/").content.decode()
    assert "镇（街道）便民服务中心受理 4" in page
    item = client.get("/api/v1/items", {"q": "TL-10"}).json()["results"][0]
    assert (item["committed_limit"], item["committed_limit_town"], item["committed_limit_village"]) == (10, 4, None)
