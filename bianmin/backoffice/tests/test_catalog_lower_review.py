"""Staff see a lower organ's 初审 (行政许可法第四十三条) where they pick an item: the window's 收件 list and the
agent's 登记代办 form (issue 13 item 3)."""
import pytest

from bianmin.testing.factories import make_item

from .test_views import login

pytestmark = pytest.mark.django_db
LINE = "本事项须先经下级机关初审（行政许可法第四十三条），初审期限20个工作日"


def test_the_staff_item_list_shows_the_lower_review(client, cast, org):
    make_item(cast, org, "LR-20", name="村民建房许可", lower_review_days=20)
    make_item(cast, org, "LR-00", name="普通许可")
    login(client, cast["window_a"])
    page = client.get("/staff/cases/new/", {"q": "许可"}).content.decode()
    assert "村民建房许可" in page and "普通许可" in page
    assert page.count(LINE) == 1
    row = page.split("村民建房许可", 1)[1].split("</tr>", 1)[0]
    assert LINE in row


def test_the_agent_is_told_of_it_when_registering_a_relay(client, cast, org, calendar):
    make_item(cast, org, "LR-20", name="村民建房许可", lower_review_days=20)
    make_item(cast, org, "LR-00", name="普通许可")
    login(client, cast["agent"])
    assert LINE in client.get("/staff/relays/new/", {"item": "LR-20"}).content.decode()
    assert "下级机关初审" not in client.get("/staff/relays/new/", {"item": "LR-00"}).content.decode()
