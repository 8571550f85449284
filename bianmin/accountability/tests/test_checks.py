"""The system check on ``BIANMIN["SANCTION_LADDER"]``: every severity, each with its own sanctions."""
import pytest
from django.core.checks import run_checks

from bianmin.accountability.checks import check_sanction_ladder

GOOD = {"MINOR": ("口头告诫", "书面告诫"), "SERIOUS": ("离岗培训", "调离岗位", "免职"), "VERY_SERIOUS": ("辞退",)}


def with_ladder(settings, ladder) -> None:
    settings.BIANMIN = {**settings.BIANMIN, "SANCTION_LADDER": ladder}


def test_the_default_ladder_passes():
    assert check_sanction_ladder() == []


def test_lists_are_as_good_as_tuples(settings):
    with_ladder(settings, {key: list(value) for key, value in GOOD.items()})
    assert check_sanction_ladder() == []


@pytest.mark.parametrize(("ladder", "words"), [
    (("口头告诫", "书面告诫", "离岗培训", "调离岗位", "免职", "辞退"), "应按情节分级"),  # the old flat shape
    (None, "应按情节分级"),
    ({"MINOR": ("口头告诫",), "SERIOUS": ("免职",)}, "缺少情节 VERY_SERIOUS（情节特别严重）"),
    ({**GOOD, "GRAVE": ("辞退",)}, "未知的情节代码 'GRAVE'"),
    ({**GOOD, "SERIOUS": ()}, "SERIOUS 的处理方式应为非空的列表或元组"),
    ({**GOOD, "VERY_SERIOUS": "辞退"}, "VERY_SERIOUS 的处理方式应为非空的列表或元组"),  # a bare string, not a tuple
    ({**GOOD, "MINOR": ("口头告诫", "")}, "MINOR 含有无效的处理方式 ''"),
    ({**GOOD, "MINOR": ("口头告诫", " 书面告诫")}, "MINOR 含有无效的处理方式 ' 书面告诫'"),
    ({**GOOD, "MINOR": ("口头告诫", 2)}, "MINOR 含有无效的处理方式 2"),
    ({**GOOD, "MINOR": ("口" * 17,)}, "超过16个字"),  # Violation.sanction holds 16 characters
    ({**GOOD, "VERY_SERIOUS": ("免职", "辞退")}, "处理方式“免职”同时出现在 SERIOUS 和 VERY_SERIOUS"),
], ids=["flat", "none", "missing", "unknown", "empty", "string", "blank", "padded", "not-text", "too-long",
        "twice"])
def test_a_malformed_ladder_is_an_error_naming_the_problem(settings, ladder, words):
    with_ladder(settings, ladder)
    errors = check_sanction_ladder()
    assert errors and all(e.id == "accountability.E001" for e in errors)
    assert any(words in e.msg for e in errors), [e.msg for e in errors]
    assert any(e.id == "accountability.E001" for e in run_checks())  # registered: manage.py check reports it
