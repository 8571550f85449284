"""The demo catalogue has one county item with a town 初审 (行政许可法第四十三条, issue 13 item 3): YX-0021
乡村建设规划许可证核发（村民建房）, which 城乡规划法第四十一条 sends through the town government to the county."""
import pytest

from bianmin.catalog.models import ItemLevel, ItemVersion
from bianmin.catalog.services import validate_version
from bianmin.demo.seed import seed_demo
from conftest import NOW

pytestmark = pytest.mark.django_db


def test_the_village_housing_permit_has_a_20_day_town_review(client):
    seed_demo(NOW)
    current = ItemVersion.objects.filter(is_current=True)
    reviewed = {v.item.code: v for v in current.select_related("item").filter(lower_review_days__gt=0)}
    assert list(reviewed) == ["YX-0021"]
    version = reviewed["YX-0021"]
    assert (version.name, version.level, version.kind) == ("乡村建设规划许可证核发（村民建房）", ItemLevel.COUNTY,
                                                          "LICENSE")
    assert version.lower_review_days == 20 and "第四十三条" in version.legal_basis
    validate_version(version)
    page = client.get("/items/YX-0021/").content.decode()
    assert "本事项须先经下级机关初审（行政许可法第四十三条），初审期限20个工作日" in page
