"""The guide (办事指南) tells the applicant of a lower organ's 初审 (行政许可法第四十三条, issue 13 item 3)."""
import pytest

from bianmin.catalog.services import new_draft, publish_version
from bianmin.testing.factories import NOW, make_catalog_item

pytestmark = pytest.mark.django_db
LINE = "本事项须先经下级机关初审（行政许可法第四十三条），初审期限20个工作日"


def test_the_guide_shows_the_lower_review_near_the_time_limits(client, cast):
    make_catalog_item(cast, lower_review_days=20)
    page = client.get("/items/YX-0001/").content.decode()
    assert LINE in page and "下级机关初审" in page
    limits = page.index("承诺办结时限")
    assert limits < page.index(LINE) < page.index("特别程序")  # among the time limits


def test_no_line_without_a_lower_review(client, cast):
    make_catalog_item(cast)
    page = client.get("/items/YX-0001/").content.decode()
    assert "初审" not in page


def test_each_version_shows_its_own_value(client, cast):
    v1 = make_catalog_item(cast, lower_review_days=20)
    draft = new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)
    draft.lower_review_days = 0
    draft.save()
    publish_version(actor=cast["sysadmin"], version=draft, now=NOW)
    assert "初审" not in client.get("/items/YX-0001/").content.decode()
    assert LINE in client.get("/items/YX-0001/v1/").content.decode()
