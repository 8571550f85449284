"""The case page's facts list rendered in Python (issue 16 item 1) gives what the template block gave, byte for byte,
for every state a case can be in, escaped."""
from __future__ import annotations

import datetime as dt
import random
import re
from types import SimpleNamespace

from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation

from bianmin.cases.models import Case, CaseClass, DecisionOutcome, DeliveryMethod, ReturnRequest
from bianmin.cases.warnings import Warning
from bianmin.cases.workflow import Status
from bianmin.catalog.models import ItemVersion, ServiceItem
from bianmin.org.models import StaffProfile, Unit
from bianmin.org.terms import GOVERNMENT, HOSPITAL
from bianmin.relay.selectors import CaseRelay

# The facts list case_detail.html held before the tag (between <dl class="fields"> and </dl>), kept as the reference.
OLD_BLOCK = (
    '{% constant %}<dt>{% translate "状态" %}</dt><dd>{% endconstant %}<strong>{{ case.get_status_displ'
    'ay }}</strong>（{{ case.get_case_class_display }}）{% if case.urgent %} <span class="badge">{% tra'
    'nslate "急办" %}</span>{% endif %}</dd>\n'
    '<dt>{{ terms.applicant|default:"申请人" }}</dt><dd>{{ case.applicant_name }} {{ id_masked }} {{ ca'
    'se.applicant_credit_code }} {{ phone_masked }}\n'
    '{% if can_reveal and not revealed and case.applicant_phone_masked or can_reveal and not revealed a'
    'nd case.applicant_id_masked %}{% constant %}<details class="inline"><summary>{% translate "查看完'
    '整号码" %}</summary><form method="post">{% endconstant %}{% csrf_token %}{% constant %}<input type'
    '="hidden" name="action" value="reveal">\n'
    '<label>{% translate "内容" %}<select name="field"><option value="phone">{% translate "联系电话" %}'
    '</option>{% endconstant %}{% if case.applicant_id_masked %}{% constant %}<option value="id_number"'
    '>{% translate "证件号码" %}</option>{% endconstant %}{% endif %}{% constant %}</select></label>\n'
    '<label>{% translate "理由（将记入审计）" %}<input name="reason" required minlength="2" placeholder'
    '="{% translate \'如：电话通知申请人补正\' %}"></label><button type="submit" class="secondary">{% t'
    'ranslate "查看" %}</button></form></details>{% endconstant %}{% endif %}</dd>\n'
    '{% if relay %}<dt>{% translate "全程代理" %}</dt><dd><a href="{% url \'backoffice:relay\' relay.nu'
    'mber %}">{{ relay.number }}</a>（{{ relay.station }} · {{ relay.status_label }}）<br><span class="'
    'muted">{% translate "办结后请在代办件页面回送办理结果（按原路线或邮寄）" %}</span>{% if relay.revi'
    'ew_opinion %}<br>{% translate "下级机关初审意见" %}：{{ relay.review_opinion }}{% endif %}</dd>{% '
    'endif %}\n'
    '{% if case.agent_name %}<dt>{% translate "代理人" %}</dt><dd>{{ case.agent_name }}（{{ case.agent_'
    'authorization }}）</dd>{% endif %}\n'
    '{% constant %}<dt>{% translate "事项版本" %}</dt><dd>{% endconstant %}{{ case.item_version.item.co'
    'de }} {% translate "第" %}{{ case.item_version.number }}{% translate "版" %}</dd>\n'
    '{% constant %}<dt>{% translate "收件" %}</dt><dd>{% endconstant %}{{ case.received_at|date:"Y-m-d '
    'H:i" }} {{ case.received_by.name }}（{{ case.unit.name }}）</dd>\n'
    '{% constant %}<dt>{% translate "查询码" %}</dt><dd>{% endconstant %}{{ case.query_code }}</dd>\n'
    '{% if case.intake_deadline %}<dt>{% translate "补正告知截止" %}</dt><dd>{{ case.intake_deadline|da'
    'te:"Y-m-d" }}</dd>{% endif %}\n'
    '{% if case.accepted_at %}{% constant %}<dt>{% translate "受理" %}</dt><dd>{% endconstant %}{{ case'
    '.accepted_at|date:"Y-m-d H:i" }}</dd>\n'
    '{% constant %}<dt>{% translate "首办负责人" %}</dt><dd>{% endconstant %}{{ case.first_handler.name'
    ' }}（{{ case.first_handler.badge_number }}）{% if acting_names %} <span class="badge">{% translate'
    ' "今日外出，由B角代办：" %}{{ acting_names|join:"、" }}</span>{% endif %}</dd>\n'
    '{% if case.committed_due_at %}{% constant %}<dt>{% translate "承诺办结时间" %}</dt><dd>{% endconst'
    'ant %}{{ case.committed_due_at|date:"Y-m-d H:i" }}{% else %}{% constant %}<dt>{% translate "承诺办'
    '结日期" %}</dt><dd>{% endconstant %}{{ case.committed_deadline|date:"Y-m-d" }}{% endif %}{% if cas'
    'e.deadline_provisional %} <span class="badge">{% translate "按暂定日历计算" %}</span>{% endif %}{%'
    ' if case.warning %} <span class="badge warn-{{ case.warning|lower }}">{{ case.warning.label }}</sp'
    'an>{% endif %}</dd>\n'
    '{% constant %}<dt>{% translate "法定办结日期" %}</dt><dd>{% endconstant %}{{ case.legal_deadline|d'
    'ate:"Y-m-d" }}{% if case.legal_deadline_provisional %} <span class="badge">{% translate "按暂定日'
    '历计算" %}</span>{% endif %}</dd>{% endif %}\n'
    '{% if case.deadline_changed_at %}<dt>{% translate "期限重新核定" %}</dt><dd>{{ case.deadline_chang'
    'ed_at|date:"Y-m-d" }} {{ case.deadline_change_reason }}</dd>{% endif %}\n'
    '{% if case.reported %}<dt>{% translate "上报件" %}</dt><dd>{% translate "须由上级机关作出决定，本'
    '级不能自行决定" %}{% if case.decided_by_organ %}：{{ case.decided_by_organ }} {{ case.decision_doc'
    'ument }}{% endif %}</dd>{% endif %}\n'
    '{% if case.deferred_materials %}<dt>{% translate "补办材料" %}</dt><dd>{% if case.deferred_supplie'
    'd_at %}{% translate "已于" %}{{ case.deferred_supplied_at|date:"Y-m-d" }}{% translate "补齐" %}{% '
    'else %}{% translate "补交期限" %} {{ case.deferred_due_date|date:"Y-m-d" }}{% if case.deferred_ove'
    'rdue %} <span class="badge warn-red">{% translate "已逾期" %}</span>{% endif %}{% if case.deferred'
    '_exception_at %}；{% translate "经批准先行送达：" %}{{ case.deferred_exception_reason }}{% else %}'
    '；{% translate "补交后即可领取办理结果" %}{% endif %}{% endif %}</dd>{% endif %}\n'
    '{% if case.outcome %}<dt>{% translate "办理结果" %}</dt><dd>{{ case.get_outcome_display }} {{ case'
    '.certificate_name }} {{ case.certificate_number }} {{ case.decision_reasons }}</dd>{% endif %}\n'
    '{% if case.delivered_at %}<dt>{% translate "送达" %}</dt><dd data-delivery>{{ case.delivered_at|da'
    'te:"Y-m-d H:i" }} {{ case.get_delivery_method_display }}，{% translate "签收人" %}：{{ case.delive'
    'red_to }}</dd>{% endif %}\n'
    '{% if case.intake_reason %}<dt>{% translate "不予受理理由" %}</dt><dd>{{ case.intake_reason }} {{ '
    'case.competent_organ }} {{ case.competent_organ_contact }}</dd>{% endif %}\n'
    '{% if pending_return %}<dt>{% translate "退件申请" %}</dt><dd><span class="badge">{% translate "待'
    '领导审批" %}</span> {{ pending_return.reason }}</dd>{% endif %}\n'
)
OLD = engines["django"].from_string("{% load i18n fragments %}" + OLD_BLOCK)
NEW = engines["django"].from_string(
    "{% load case_page %}{% case_facts case terms id_masked phone_masked can_reveal revealed relay acting_names "
    "pending_return %}")
NASTY = '<script>alert("x")</script> & \'引号\''
AT = dt.datetime(2026, 3, 2, 1, 5, tzinfo=dt.UTC)  # 09:05 in Beijing
LATE_EVENING = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC)  # already 3 March in Beijing
MISSING = object()  # a context name left out: the template reads it as empty


def _case(rng: random.Random, i: int) -> Case:
    def pick(*options):
        return rng.choice(options)

    def text():
        return pick("", "普通文字", NASTY)

    def moment():
        return pick(None, AT, LATE_EVENING, dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
                    dt.datetime(2026, 5, 1, 8, 0))  # the last one naive

    def day():
        return pick(None, dt.date(2026, 3, 2), dt.date(2027, 1, 9), dt.date(999, 1, 5))

    handler = StaffProfile(name=pick("李四", NASTY), badge_number=pick("B001", NASTY))
    case = Case(
        number=f"C{i}", status=Status.values[i % len(Status.values)], case_class=pick(*CaseClass.values, "ODD"),
        urgent=pick(False, True), applicant_name=pick("张三", NASTY), applicant_credit_code=text(),
        applicant_phone_masked=pick("", "138****0000", NASTY),
        applicant_id_masked=pick("", "3501**********1234", NASTY),
        agent_name=text(), agent_authorization=text(), query_code=pick("Q1234", NASTY),
        item_version=ItemVersion(number=pick(1, 12, 1234), item=ServiceItem(code=pick("X001", NASTY))),
        unit=Unit(name=pick("便民服务中心", NASTY)), received_by=StaffProfile(name=pick("王五", NASTY)),
        received_at=pick(AT, LATE_EVENING), intake_deadline=day(), accepted_at=moment(),
        first_handler=pick(None, handler, handler), committed_due_at=pick(None, None, *(moment() for _ in "ab")),
        committed_deadline=day(), deadline_provisional=pick(False, True), legal_deadline=day(),
        legal_deadline_provisional=pick(False, True), deadline_changed_at=moment(), deadline_change_reason=text(),
        reported=pick(False, True), decided_by_organ=text(), decision_document=text(),
        deferred_materials=pick(False, True), deferred_supplied_at=pick(None, moment()), deferred_due_date=day(),
        deferred_overdue=pick(False, True), deferred_exception_at=pick(None, moment()),
        deferred_exception_reason=text(), outcome=pick("", *DecisionOutcome.values), certificate_name=text(),
        certificate_number=text(), decision_reasons=text(), delivered_at=moment(),
        delivery_method=pick("", *DeliveryMethod.values), delivered_to=text(), intake_reason=text(),
        competent_organ=text(), competent_organ_contact=text())
    warning = pick(MISSING, *Warning)
    if warning is not MISSING:
        case.warning = warning
    return case


def _context(rng: random.Random, i: int) -> dict:
    def pick(*options):
        return rng.choice(options)

    values = {
        "case": _case(rng, i),
        "terms": pick(GOVERNMENT, HOSPITAL, MISSING, SimpleNamespace(applicant=NASTY), SimpleNamespace(applicant="")),
        "id_masked": pick("", None, "3501**********1234", NASTY), "phone_masked": pick("", None, "138****0000", NASTY),
        "can_reveal": pick(False, True, True), "revealed": pick(False, False, True),
        "relay": pick(None, MISSING, *(CaseRelay(number=pick("DB20260001", "DB<1>&\"x"),
                                                 station=pick("村代办点", NASTY), status_label=pick("已受理", NASTY),
                                                 review_opinion=opinion) for opinion in ("", "同意", NASTY))),
        "acting_names": pick([], ["李四"], [NASTY, "王五"]),
        "pending_return": pick(None, MISSING, ReturnRequest(reason=pick("申请人要求", NASTY))),
        "csrf_token": pick("token123", MISSING, "NOTPROVIDED", NASTY),
    }
    return {name: value for name, value in values.items() if value is not MISSING}


def test_the_tag_gives_what_the_block_gave_for_every_state():
    rng = random.Random(16)
    seen = set()
    for i in range(800):
        values = _context(rng, i)
        zone = ("Asia/Shanghai", "UTC", "America/New_York")[i % 3]
        with timezone.override(zone):
            old, new = OLD.render(values), NEW.render(values)
        assert new == old, (i, values)
        seen.update(re.findall(r"<dt>([^<]*)</dt>", old))
        seen.update(f"{m}-form" for m in re.findall(r'name="(action|csrfmiddlewaretoken)"', old))
    # Every entry, the reveal form and its token came up.
    assert {"状态", "申请人", "患者/家属", "全程代理", "代理人", "事项版本", "收件", "查询码", "补正告知截止", "受理",
            "首办负责人", "承诺办结时间", "承诺办结日期", "法定办结日期", "期限重新核定", "上报件", "补办材料",
            "办理结果", "送达", "不予受理理由", "退件申请", "action-form", "csrfmiddlewaretoken-form"} <= seen


def test_each_state_alone():
    """The states one by one on an otherwise plain case, so that none hides behind another."""
    plain = {"case_class": "PROMISED", "applicant_name": "张三", "query_code": "Q1", "received_at": AT,
             "item_version": ItemVersion(number=2, item=ServiceItem(code="X1")), "unit": Unit(name="中心"),
             "received_by": StaffProfile(name="甲")}
    states = [{}, {"urgent": True}, {"agent_name": NASTY}, {"intake_deadline": dt.date(2026, 3, 4)},
              {"accepted_at": AT}, {"accepted_at": AT, "first_handler": StaffProfile(name="乙", badge_number="B1")},
              {"accepted_at": LATE_EVENING, "committed_due_at": LATE_EVENING, "deadline_provisional": True,
               "legal_deadline_provisional": True},
              {"accepted_at": AT, "committed_deadline": dt.date(2026, 4, 1), "legal_deadline": dt.date(2026, 5, 1)},
              {"deadline_changed_at": LATE_EVENING, "deadline_change_reason": NASTY}, {"reported": True},
              {"reported": True, "decided_by_organ": NASTY, "decision_document": NASTY},
              {"deferred_materials": True}, {"deferred_materials": True, "deferred_supplied_at": LATE_EVENING},
              {"deferred_materials": True, "deferred_due_date": dt.date(2026, 3, 9), "deferred_overdue": True},
              {"deferred_materials": True, "deferred_exception_at": AT, "deferred_exception_reason": NASTY},
              {"outcome": "GRANTED", "certificate_name": NASTY}, {"outcome": "ODD"},
              {"delivered_at": AT, "delivery_method": "POST", "delivered_to": NASTY}, {"delivered_at": AT},
              {"intake_reason": NASTY, "competent_organ": NASTY, "competent_organ_contact": NASTY}]
    for status in Status.values:
        for state in states:
            for warning in (None, *Warning) if "accepted_at" in state else (None,):
                case = Case(status=status, **{**plain, **state})
                if warning is not None:
                    case.warning = warning
                for extra in ({}, {"acting_names": ["丙", NASTY]}, {"pending_return": ReturnRequest(reason=NASTY)},
                              {"can_reveal": True, "csrf_token": "t"}):
                    values = {"case": case, "terms": GOVERNMENT, "id_masked": "", "phone_masked": "", **extra}
                    assert NEW.render(values) == OLD.render(values), (status, state, warning, extra)


def test_the_reveal_form_carries_the_requests_token_as_the_csrf_tag_does():
    request = RequestFactory().get("/")
    values = {"case": _case(random.Random(1), 0), "can_reveal": True, "revealed": False}
    values["case"].applicant_phone_masked = "138****0000"
    old, new = OLD.render(values, request), NEW.render(values, request)  # each render masks the token afresh
    token = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')
    assert len(token.findall(new)) == 1 and token.sub(r'\1"', new) == token.sub(r'\1"', old)
    assert "CSRF_COOKIE" in request.META  # the token was read, so the response sets the cookie as before
    hidden = RequestFactory().get("/")
    NEW.render({**values, "revealed": True}, hidden)
    assert "CSRF_COOKIE" not in hidden.META  # no form, no token read


def test_another_language_and_what_staff_typed_is_escaped():
    values = _context(random.Random(3), 2)
    with translation.override("en"):
        assert NEW.render(values) == OLD.render(values)
    case = Case(status="ACCEPTED", case_class="PROMISED", applicant_name=NASTY, query_code="Q", received_at=AT,
                item_version=ItemVersion(number=1, item=ServiceItem(code="X")), unit=Unit(name="中心"),
                received_by=StaffProfile(name="甲"), intake_reason=NASTY)
    html = NEW.render({"case": case, "terms": GOVERNMENT})
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;引号&#x27;" in html
    assert "2026-03-02 09:05" in html
