"""Every notice on one A4 page at ordinary length, the signature block never alone on a page (issue 12 item 3).

Each kind of notice is issued through its service, as the window issues it, for an item whose guide is as long as
the longest of the demo county's (a legal basis of about 300 characters, a long organ name), and rendered to PDF.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from bianmin.cases import services as svc
from bianmin.cases.models import Notice, NoticeKind
from bianmin.cases.pdf import render_notice_pdf
from bianmin.cases.workflow import Action
from bianmin.catalog.services import create_item
from bianmin.org.models import HeadOf
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import at, item_content

from .pdfpages import page_count, page_texts

pytestmark = pytest.mark.django_db

LOOKUP = "https://bianmin.example/lookup/?n=C1202603020001&c=ABCDEFGH"
MON = dt.date(2026, 3, 2)
# As long as the longest legal basis of the demo items (YX-0025, 287 characters).
LEGAL_BASIS = (
    "1.《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度。从事食品销售和餐饮服务，应当依法取得许可。\n"
    "2.《中华人民共和国行政许可法》第三十二条：申请材料齐全、符合法定形式，或者申请人按照本行政机关的要求提交全部补正申请"
    "材料的，应当受理行政许可申请。\n"
    "3.《食品经营许可和备案管理办法》第十条、第十一条、第二十二条：申请食品经营许可，应当提交食品经营许可申请书、营业执照"
    "或者其他主体资格证明文件、与食品经营相适应的主要设备设施布局、操作流程等文件。\n"
    "4.《云溪县食品经营许可审查细则》关于现场核查和许可决定的规定。")
ORGAN = "云溪县市场监督管理局（云溪县知识产权局）"


def _materials(count: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"name": f"第{i}项材料：食品经营许可申请书及附表", "original": "ORIGINAL", "form": "PAPER", "copies": 1,
         "necessity": "REQUIRED", "source": "APPLICANT", "standard": "填写完整，经营者本人签字并注明日期，与原件一致"}
        for i in range(1, count)]
    rows.append({"name": "场所平面布局图", "original": "ORIGINAL", "form": "PAPER", "copies": 1,
                 "necessity": "DEFERRABLE", "source": "APPLICANT", "standard": "标明功能分区和主要设备位置"})
    return rows


def long_item(cast, org, code: str, materials: int) -> list[dict[str, object]]:
    """Publish an item like SP-01 with the long guide and ``materials`` materials (the last one 容缺); return them."""
    rows = _materials(materials)
    create_item(actor=cast["sysadmin"], code=code, basic_code=code, content=item_content(
        name="食品经营许可（含仅销售预包装食品备案以外的食品销售、餐饮服务）", implementing_organ=ORGAN,
        legal_basis=LEGAL_BASIS, implementing_unit=org["dept"]), materials=rows, fees=[], faqs=[], now=at(MON),
        publish=True)
    return rows


def handed(rows, *, deferred: bool = True) -> list[dict[str, object]]:
    return [{"material": r["name"], "received_as": "PAPER", "copies": 1} for r in rows
            if deferred or r["necessity"] != "DEFERRABLE"]


@pytest.fixture
def organ_head(cast):
    profile = cast["leader"].staff_profile
    profile.head_of, profile.title = HeadOf.ORGAN, "局长"
    profile.save()
    return cast["leader"]


@pytest.fixture
def notices(cast, org, calendar, organ_head) -> dict[str, Notice]:
    """One issued notice of every kind, each issued by its service for the long item (seven materials)."""
    rows = long_item(cast, org, "LB-01", 7)
    w = cast["window_a"]
    reason = ("申请人申请的经营项目为特殊食品销售，依照省级规定由设区的市级市场监督管理部门实施许可，"
              "不属于本机关职权范围。")
    # 补正: every material listed once, then served.
    case = receive(cast, code="LB-01", materials=handed(rows))
    for r in rows:
        svc.add_supplement_line(actor=w, number=case.number, material=str(r["name"]), problem="未签字、未注明日期",
                                now=at(MON))
    svc.serve_supplement_notice(actor=w, number=case.number, now=at(MON))
    # 不予受理 outside this organ's powers, 退件 before acceptance.
    case = receive(cast, code="LB-01", materials=handed(rows))
    svc.refuse_case(actor=w, number=case.number, action=Action.OUTSIDE_POWERS, reason=reason,
                    competent_organ="云州市市场监督管理局",
                    competent_organ_contact="0799-8123456，云州市政务服务中心三楼", now=at(MON))
    case = receive(cast, code="LB-01", materials=handed(rows))
    svc.return_case(actor=w, number=case.number, reason=reason, now=at(MON))
    # 受理, 首办回执 and 补办件 (the 容缺 material missing), 特别程序, 延期, 不予许可.
    case = receive(cast, code="LB-01", materials=handed(rows, deferred=False))
    svc.accept_case(actor=w, number=case.number, now=at(MON))
    svc.start_pause(actor=w, number=case.number, kind="TESTING", basis="抽取样品送云州市食品检验所检测微生物指标",
                    expected_days=15, now=at(dt.date(2026, 3, 4)))
    svc.end_pause(actor=w, number=case.number, result="检测合格", now=at(dt.date(2026, 3, 9)))
    extension = svc.request_extension(actor=w, number=case.number, reason="需会同卫生健康部门现场核查，情况复杂",
                                      now=at(dt.date(2026, 3, 10)))
    svc.approve_extension(actor=organ_head, extension_id=extension.pk, now=at(dt.date(2026, 3, 10)))
    svc.decide_case(actor=w, number=case.number, outcome="DENIED", reasons=reason, now=at(dt.date(2026, 3, 11)))
    # 准予 and 送达回证.
    case = receive(cast, code="LB-01", materials=handed(rows))
    svc.accept_case(actor=w, number=case.number, now=at(MON))
    svc.decide_case(actor=w, number=case.number, outcome="GRANTED", now=at(dt.date(2026, 3, 3)), **GRANT)
    svc.deliver_case(actor=w, number=case.number, method="POST", received_by="张三", now=at(dt.date(2026, 3, 4)))
    issued = {n.kind: n for n in Notice.objects.filter(issued_at__isnull=False)}
    assert set(issued) == set(NoticeKind.values), "every kind of notice is issued above"
    return issued


@pytest.mark.parametrize("kind", NoticeKind.values)
def test_every_notice_fits_one_a4_page(notices, kind):
    notice = notices[kind]
    pdf = render_notice_pdf(notice.content, lookup_url=LOOKUP)
    assert page_count(pdf) == 1, f"{notice.get_kind_display()} runs onto a second page"
    [text] = page_texts(pdf)
    # The title, the body and the signature block (organ, unit, date) are on that page.
    for part in (notice.content["title"], notice.content["body"][:20], ORGAN, notice.content["date"],
                 "扫码查询办理进度", "第1页 共1页"):
        assert part in text, part
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4


def test_the_notices_say_what_the_applicant_must_be_told(notices, organ_head):
    special = page_texts(render_notice_pdf(notices[NoticeKind.SPECIAL].content, lookup_url=LOOKUP))[0]
    # Started on Wed 3/4, 15 working days expected: 3/5 … 3/25.
    assert "预计所需时间预计15个工作日（自2026年03月04日起算）" in special
    assert "预计结束日期2026年03月25日" in special
    extension = page_texts(render_notice_pdf(notices[NoticeKind.EXTENSION].content, lookup_url=LOOKUP))[0]
    assert f"批准人{organ_head.staff_profile.name}（局长）批准时间2026年03月10日 09:00" in extension
    delivery = page_texts(render_notice_pdf(notices[NoticeKind.DELIVERY].content, lookup_url=LOOKUP))[0]
    for part in ("送达文书食品经营许可证（编号：ZS-2026-0001）", "送达方式邮寄送达", "送达地点测试县测试路1号",
                 "签收人张三"):
        assert part in delivery, part
    # The lines the recipient and the server sign by hand, with room for the date.
    blank = r"（签名）\s{20,}年\s+月\s+日"
    assert re.search(f"受送达人（签收人）签名{blank}送达人签名{blank}", delivery)


def _supplement_with(lines: int) -> dict[str, object]:
    content = {"organ": ORGAN, "title": "补正通知书（一次性告知书）", "number": "BZ-2026-000001", "applicant": "张三",
               "body": "经审查，您提交的申请材料不齐全或者不符合法定形式。", "case_number": "C1202603020001",
               "item_name": "食品经营许可", "legal_basis": LEGAL_BASIS, "complaint_phone": "0799-6000000",
               "date": "2026年03月02日", "unit": "测试县政务服务中心",
               "lines": [{"material": f"第{i}项材料", "problem": "未签字、未注明日期",
                          "standard": "填写完整，经营者本人签字并注明日期，与原件一致"} for i in range(1, lines + 1)]}
    return content


@pytest.mark.parametrize("lines", range(6, 46))
def test_a_long_notice_never_leaves_the_signature_alone(lines):
    """Whatever the length, the page with the organ, the seal's place and the date also holds the last materials."""
    pdf = render_notice_pdf(_supplement_with(lines), lookup_url=LOOKUP)
    texts = page_texts(pdf)
    signed = [i for i, text in enumerate(texts) if f"{ORGAN}（测试县政务服务中心）2026年03月02日" in text]
    assert signed == [len(texts) - 1]  # once, on the last page
    assert f"第{lines - 1}项材料" in texts[-1] and f"第{lines}项材料" in texts[-1]
    assert f"第{len(texts)}页 共{len(texts)}页" in texts[-1]


def test_thirty_materials_run_over_with_the_header_repeated(cast, org, calendar):
    """A 补正 notice of 30 materials issued by the service: two pages, the table's header repeated, and the
    signature block on the second page with the last materials."""
    rows = long_item(cast, org, "LB-30", 30)
    case = receive(cast, code="LB-30", materials=handed(rows))
    for r in rows:
        svc.add_supplement_line(actor=cast["window_a"], number=case.number, material=str(r["name"]),
                                problem="未签字、未注明日期", now=at(MON))
    notice = svc.serve_supplement_notice(actor=cast["window_a"], number=case.number, now=at(MON))
    texts = page_texts(render_notice_pdf(notice.content, lookup_url=LOOKUP))
    assert len(texts) == 2
    assert all("需补正的材料（一次性告知，以下为全部内容）：序号材料存在的问题补正要求" in text for text in texts)
    assert ORGAN not in texts[0].split("文号")[1]  # the first page names the organ only in its heading
    assert "场所平面布局图" in texts[1] and "第29项材料" in texts[1] and notice.content["date"] in texts[1]
