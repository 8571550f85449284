"""The catalogue API gives each item's 下级机关初审期限 (行政许可法第四十三条, issue 13 item 3)."""
import pytest

from bianmin.testing.factories import make_catalog_item as make

pytestmark = pytest.mark.django_db


@pytest.mark.endpoint("GET", "/api/v1/items")
@pytest.mark.endpoint("GET", "/api/v1/items/{code}")
def test_items_carry_the_lower_review_days(client, cast):
    make(cast, code="YX-0001", lower_review_days=20)
    make(cast, code="YX-0002", name="犬只登记", level="TOWN")
    rows = {r["code"]: r for r in client.get("/api/v1/items").json()["results"]}
    assert (rows["YX-0001"]["lower_review_days"], rows["YX-0002"]["lower_review_days"]) == (20, 0)
    assert client.get("/api/v1/items/YX-0001").json()["lower_review_days"] == 20
    assert client.get("/api/v1/items/YX-0002").json()["lower_review_days"] == 0


def test_the_document_describes_it(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("ItemSummaryOut", "ItemDetailOut"):
        prop = schemas[name]["properties"]["lower_review_days"]
        assert (prop["type"], prop["minimum"], prop["maximum"]) == ("integer", 0, 60), prop
        assert prop["title"] == "下级机关初审期限（工作日）"
