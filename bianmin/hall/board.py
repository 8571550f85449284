"""上墙公示 (DOMAIN.md §2.12; decision 0025 §5): the center's rules on the wall (制度上墙, versioned rich text), the
bulletins with their publication period (公示期) and the public's comments and objections with their handling, and
the board itself — who is on duty today at each post (A or B, who stands in for whom), the 首席责任人, the items
offered with their limits and fees, the complaint phone, and the unit's 便民活动 (``hospital.selectors``: coming,
cancelled with the reason, held with the attendance).

Who may do what (the policies are here, beside the rules they guard):
- the rules: the system administrator (``Perm.MANAGE_ORG``: org and configuration are theirs under 三权分立), for the
  units of their scope;
- bulletins and the handling of comments: a center's leaders (``Perm.APPROVE``: 中心领导), for the units of their
  scope. Window staff, agents and supervisors read the board like the public; the administrators publish nothing.
- comments: anyone, without signing in, during the period, with a name and a mobile phone that are never shown
  publicly; throttled per client address (``HALL["COMMENTS_PER_ADDRESS_HOUR"]``).

Every writer takes ``now``, runs in one ``audited_atomic`` block and writes its audit row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, Max, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.html import strip_tags

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.cases.lookup import TooManyRequests
from bianmin.catalog.models import Fee, ItemLevel, ItemVersion
from bianmin.core.errors import Conflict, DomainError, FieldErrors, Forbidden, NotFound
from bianmin.core.ratelimit import address_key, hit
from bianmin.core.timeutils import local_date, require_plausible_dates
from bianmin.core.validators import validate_mobile
from bianmin.hospital.models import CareEvent
from bianmin.hospital.selectors import published_events
from bianmin.notifications.services import enqueue_inapp_many
from bianmin.org.models import Post, StaffProfile, Unit, UnitKind
from bianmin.org.policies import scope_path
from bianmin.org.selectors import Acting, absent_staff_ids, acting_for, chief_responsible, warning_recipients

from . import state
from .models import BoardRules, Bulletin, BulletinComment, BulletinKind, CommentKind

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser, User

# The units that have a board: every active service place; a department (职能部门) serves at a center's windows.
BOARD_KINDS = (UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER, UnitKind.VILLAGE_STATION, UnitKind.INSTITUTION_DESK)
# Town- and village-level items without an implementing department are handled by the center (station) itself.
OWN_LEVEL = {UnitKind.TOWN_CENTER: ItemLevel.TOWN, UnitKind.VILLAGE_STATION: ItemLevel.VILLAGE}

# 制度上墙: a safelist of tags (headings, paragraphs, lists, tables, bold/italic, line breaks) and no attribute but a
# table cell's span. No links, images, styles or scripts; a script's or style's content goes with its tag.
RULES_TAGS = frozenset({"h2", "h3", "h4", "p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "table", "thead",
                        "tbody", "tr", "th", "td", "blockquote"})
RULES_ATTRIBUTES = {"th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}

MAX_TITLE = 128
MAX_NOTE = 255
MAX_RULES_HTML = 50_000
MAX_BODY = 5_000
MAX_COMMENT = 1_000
MAX_NAME = 64
MAX_HANDLING = 2_000
MAX_REASON = 255
COMMENT_KIND = "BULLETIN_COMMENT"  # the in-app message's kind


# --- the sanitizer -----------------------------------------------------------------------------------------------


def _span(_element: str, _attribute: str, value: str) -> str | None:
    """Keep a colspan/rowspan only when it is a small number."""
    return value if value.isascii() and value.isdigit() and 1 <= int(value) <= 99 else None


def clean_rich_text(html: str) -> str:
    """Return ``html`` reduced to the rules' safelist (``RULES_TAGS``, spans on table cells): every other tag is
    dropped (a script's or style's content with it), every other attribute (``on*``, ``style``, ``class``) removed,
    comments stripped. Refuses nothing."""
    return nh3.clean(html or "", tags=set(RULES_TAGS), attributes={k: set(v) for k, v in RULES_ATTRIBUTES.items()},
                     attribute_filter=_span, clean_content_tags={"script", "style"}, strip_comments=True,
                     link_rel=None, url_schemes=set()).strip()


def _has_text(html: str) -> bool:
    return bool(strip_tags(html).replace("&nbsp;", "").strip())


# --- policies ----------------------------------------------------------------------------------------------------


def _in_scope(user: AnyUser, unit: Unit) -> bool:
    path = scope_path(user)
    return path is not None and unit.path.startswith(path)


def may_edit_rules(user: AnyUser) -> bool:
    """Whether the user may edit rules (the system administrator) — for the units of their scope."""
    return can(user, Perm.MANAGE_ORG)


def may_publish(user: AnyUser) -> bool:
    """Whether the user may publish and withdraw bulletins and handle comments (a leader) — in their scope."""
    return can(user, Perm.APPROVE)


def board_units() -> QuerySet[Unit]:
    """Return the units that have a board (active service places, no department)."""
    return Unit.objects.filter(kind__in=BOARD_KINDS, is_active=True)


def board_units_for(user: AnyUser) -> QuerySet[Unit]:
    """Return the units with a board inside the user's scope, by path."""
    path = scope_path(user)
    if path is None:
        return Unit.objects.none()
    return board_units().filter(path__startswith=path).order_by("path")


def board_unit(code: str) -> Unit:
    """Return the unit with a board whose code is ``code``. Raises NotFound (unknown, inactive, a department)."""
    unit = board_units().select_related("region").filter(code=(code or "").strip()).first()
    if unit is None:
        raise NotFound("单位不存在或没有公示栏")
    return unit


def _unit_for(actor: AnyUser, unit_id: int, *, for_update: bool = False) -> Unit:
    qs = board_units_for(actor)
    if for_update:
        qs = qs.select_for_update()
    unit = qs.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("单位不存在或没有公示栏")
    return unit


def visible_bulletins(user: AnyUser) -> QuerySet[Bulletin]:
    """Return the bulletins a leader manages: those of the units of their scope (none for anyone else)."""
    path = scope_path(user)
    if path is None or not may_publish(user):
        return Bulletin.objects.none()
    return Bulletin.objects.filter(unit__path__startswith=path)


def visible_comments(user: AnyUser) -> QuerySet[BulletinComment]:
    """Return the comments on the bulletins the user manages (``visible_bulletins``)."""
    path = scope_path(user)
    if path is None or not may_publish(user):
        return BulletinComment.objects.none()
    return BulletinComment.objects.filter(bulletin__unit__path__startswith=path)


def get_bulletin_for(user: AnyUser, bulletin_id: int) -> Bulletin:
    """Return a bulletin the user manages. Raises NotFound for a missing one and one out of sight alike."""
    bulletin = visible_bulletins(user).select_related("unit", "created_by", "withdrawn_by").filter(
        pk=bulletin_id).first()
    if bulletin is None:
        raise NotFound("公示不存在")
    return bulletin


def comment_refusal(bulletin: Bulletin, today: dt.date) -> str | None:
    """Return why the public may not comment on ``bulletin`` on ``today``, or None: only during its period, when it
    accepts comments and was not withdrawn."""
    if bulletin.withdrawn_at is not None:
        return "该公示已撤回，不再接受意见"
    if not bulletin.accepts_comments:
        return "该公示不接受意见和异议"
    if today < bulletin.starts_on:
        return "公示期尚未开始"
    if today > bulletin.ends_on:
        return "公示期已结束，不再接受意见"
    return None


def is_open(bulletin: Bulletin, today: dt.date) -> bool:
    """Whether ``bulletin`` is on the board on ``today`` (within its period and not withdrawn)."""
    return bulletin.withdrawn_at is None and bulletin.starts_on <= today <= bulletin.ends_on


# --- services ----------------------------------------------------------------------------------------------------


def _required(errors: FieldErrors, field: str, value: str | None, limit: int, label: str) -> str:
    text = errors.text(field, value, limit, label)
    if not text and field not in errors.fields:
        errors.add(field, f"请填写{label}")
    return text


def _date(errors: FieldErrors, field: str, value: object, label: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raw = str(value or "").strip()
        if not raw:
            errors.add(field, f"请填写{label}")
            return None
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            errors.add(field, f"{label}格式应为 YYYY-MM-DD")
            return None
    try:
        require_plausible_dates(field, value)
    except DomainError as exc:
        errors.add(field, exc.message)
        return None
    return value


def save_rules(*, actor: User, unit_id: int, title: str, body_html: str, note: str, now: dt.datetime) -> BoardRules:
    """Save a new version of a unit's rules on the wall (制度上墙): the sanitized HTML (``clean_rich_text``) as
    version last + 1; older versions are kept.

    Raises Forbidden unless the actor is a system administrator; NotFound for a unit out of their scope or without a
    board; DomainError naming ``title`` (empty or over 128 characters), ``body_html`` (over 50,000 characters, or
    nothing left to show once sanitized) or ``note`` (over 255)."""
    if not may_edit_rules(actor):
        raise Forbidden("只有系统管理员可以修改上墙制度")
    errors = FieldErrors()
    title = _required(errors, "title", title, MAX_TITLE, "制度标题")
    raw = body_html or ""
    if len(raw) > MAX_RULES_HTML:
        errors.add("body_html", f"制度正文不能超过{MAX_RULES_HTML}个字符（现有{len(raw)}个字符）")
        cleaned = ""
    else:
        cleaned = clean_rich_text(raw)
        if not _has_text(cleaned):
            errors.add("body_html", "请填写制度正文（只保留标题、段落、列表、表格、加粗、斜体和换行）")
    note = errors.text("note", note, MAX_NOTE, "修改说明")
    errors.raise_if_any()
    try:
        with audited_atomic():
            unit = _unit_for(actor, unit_id, for_update=True)  # the unit's row serialises its version numbers
            last = BoardRules.objects.filter(unit=unit).aggregate(n=Max("version"))["n"] or 0
            rules = BoardRules.objects.create(unit=unit, version=last + 1, title=title, body_html=cleaned,
                                              note=note, edited_by=actor, edited_at=now)
            record(action=AuditAction.CONFIG_UPDATE, summary=f"上墙制度：{unit.name} 第{rules.version}版 {title}",
                   actor=actor, obj=rules, now=now,
                   data={"unit": unit.code, "version": rules.version, "note": note, "changed": cleaned != raw})
    except IntegrityError:
        raise Conflict("制度刚被他人修改，请刷新后重试") from None
    return rules


def publish_bulletin(*, actor: User, unit_id: int, kind: str, title: str, body: str, starts_on: object,
                     ends_on: object, accepts_comments: bool, now: dt.datetime) -> Bulletin:
    """Publish a bulletin (公示) of a unit from ``starts_on`` to ``ends_on`` inclusive: at least
    ``HALL["BULLETIN_MIN_DAYS"]`` natural days, starting today or later. The unit's big screens are told.

    Raises Forbidden unless the actor is a leader; NotFound for a unit out of their scope or without a board;
    DomainError naming ``kind``, ``title``, ``body``, ``starts_on`` (missing, malformed, in the past) or ``ends_on``
    (missing, malformed, before the start, or a period shorter than the minimum)."""
    if not may_publish(actor):
        raise Forbidden("只有中心领导可以发布公示")
    errors = FieldErrors()
    if kind not in BulletinKind.values:
        errors.add("kind", "请选择公示类别：" + "、".join(str(label) for label in BulletinKind.labels))
    title = _required(errors, "title", title, MAX_TITLE, "公示标题")
    body = _required(errors, "body", body, MAX_BODY, "公示内容")
    start = _date(errors, "starts_on", starts_on, "公示开始日期")
    end = _date(errors, "ends_on", ends_on, "公示截止日期")
    today = local_date(now)
    minimum = int(settings.BIANMIN["HALL"]["BULLETIN_MIN_DAYS"])
    if start is not None and start < today:
        errors.add("starts_on", "公示开始日期不能早于今天")
    if start is not None and end is not None:
        if end < start:
            errors.add("ends_on", "公示截止日期不能早于开始日期")
        elif (end - start).days + 1 < minimum:
            earliest = start + dt.timedelta(days=minimum - 1)
            errors.add("ends_on", f"公示期不少于{minimum}天（自然日，含首尾两天），"
                                  f"截止日期最早为{earliest.isoformat()}")
    errors.raise_if_any()
    assert start is not None and end is not None
    with audited_atomic():
        unit = _unit_for(actor, unit_id)
        bulletin = Bulletin.objects.create(unit=unit, kind=kind, title=title, body=body, starts_on=start,
                                           ends_on=end, accepts_comments=bool(accepts_comments), created_by=actor,
                                           created_at=now)
        state.bump(unit.pk, now)  # the bulletins scroll on the hall's big screen
        record(action=AuditAction.CONFIG_CREATE, summary=f"发布公示：{unit.name} {title}（{start}至{end}）",
               actor=actor, obj=bulletin, now=now,
               data={"unit": unit.code, "kind": kind, "starts_on": start, "ends_on": end,
                     "accepts_comments": bool(accepts_comments)})
    return bulletin


def withdraw_bulletin(*, actor: User, bulletin_id: int, reason: str, now: dt.datetime) -> Bulletin:
    """Withdraw a bulletin with a reason: it leaves the board and stays in the archive, marked withdrawn.

    Raises Forbidden unless the actor is a leader; NotFound for a bulletin out of their scope; DomainError naming
    ``reason`` (empty or over 255 characters); Conflict when it was already withdrawn."""
    if not may_publish(actor):
        raise Forbidden("只有中心领导可以撤回公示")
    errors = FieldErrors()
    reason = _required(errors, "reason", reason, MAX_REASON, "撤回理由")
    errors.raise_if_any()
    with audited_atomic():
        bulletin = visible_bulletins(actor).select_for_update(of=("self",)).filter(pk=bulletin_id).first()
        if bulletin is None:
            raise NotFound("公示不存在")
        if bulletin.withdrawn_at is not None:
            raise Conflict("该公示已撤回")
        bulletin.withdrawn_at, bulletin.withdrawn_by, bulletin.withdraw_reason = now, actor, reason
        bulletin.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        state.bump(bulletin.unit_id, now)
        record(action=AuditAction.CONFIG_UPDATE, summary=f"撤回公示：{bulletin.title}", actor=actor, obj=bulletin,
               now=now, data={"reason": reason})
    return bulletin


def submit_comment(*, bulletin_id: int, kind: str, text: str, name: str, phone: str, ip: str | None,
                   now: dt.datetime) -> BulletinComment:
    """Record a comment or objection from the public on a bulletin during its period (Beijing date), with a name and
    a mobile phone (kept encrypted, never shown publicly); the center's leaders are told in-app.

    Raises NotFound for an unknown bulletin or one not yet published; Conflict when the bulletin is withdrawn, does
    not accept comments or is outside its period (nothing is written, nothing counted); DomainError naming ``kind``,
    ``text``, ``name`` or ``phone`` (nothing counted); TooManyRequests when the client address already sent
    ``HALL["COMMENTS_PER_ADDRESS_HOUR"]`` comments in the last hour."""
    today = local_date(now)
    bulletin = (Bulletin.objects.select_related("unit").filter(pk=bulletin_id, starts_on__lte=today)
                .filter(unit__in=board_units()).first())
    if bulletin is None:
        raise NotFound("公示不存在")
    if (why := comment_refusal(bulletin, today)) is not None:
        raise Conflict(why, code="not_open")
    errors = FieldErrors()
    if kind not in CommentKind.values:
        errors.add("kind", "请选择类型：意见建议或异议")
    text = _required(errors, "text", text, MAX_COMMENT, "意见内容")
    name = _required(errors, "name", name, MAX_NAME, "姓名")
    raw_phone = (phone or "").strip()
    if not raw_phone:
        errors.add("phone", "请填写手机号码，以便联系您反馈处理情况")
    else:
        try:
            raw_phone = validate_mobile(raw_phone)
        except ValidationError as exc:
            errors.add("phone", exc.messages[0])
    errors.raise_if_any()
    limit = int(settings.BIANMIN["HALL"]["COMMENTS_PER_ADDRESS_HOUR"])
    if not hit(f"bulletin-comment:{address_key(ip)}", limit=limit, window=dt.timedelta(hours=1), now=now):
        raise TooManyRequests("提交过于频繁，请一小时后再试，或拨打公示栏上的投诉电话", retry_after=3600)
    with audited_atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)  # a withdrawal racing with the comment
        if (why := comment_refusal(locked, today)) is not None:
            raise Conflict(why, code="not_open")
        comment = BulletinComment.objects.create(bulletin=locked, kind=kind, text=text, name=name, phone=raw_phone,
                                                 received_at=now)
        leaders = warning_recipients(set(), {bulletin.unit.path})[1].get(bulletin.unit.path, set())
        label = CommentKind(kind).label
        words = f"《{locked.title}》收到一条{label}，请及时处理并公开处理情况"
        enqueue_inapp_many([(uid, COMMENT_KIND, f"公示收到{label}", words, "/staff/board/comments/",
                             f"bulletin_comment:{comment.pk}") for uid in sorted(leaders)], now=now)
        record(action=AuditAction.CONFIG_CREATE, summary=f"公示收到{label}：{locked.title}",
               actor_username="citizen", obj=comment, now=now, ip=ip,
               data={"bulletin": locked.pk, "kind": kind})  # never the name or the phone
    return comment


def handle_comment(*, actor: User, comment_id: int, handling: str, now: dt.datetime) -> BulletinComment:
    """Record how a comment or objection was handled (shown publicly under the bulletin), once.

    Raises Forbidden unless the actor is a leader; NotFound for a comment out of their scope; DomainError naming
    ``handling`` (empty or over 2,000 characters); Conflict when it was already handled."""
    if not may_publish(actor):
        raise Forbidden("只有中心领导可以处理公示意见")
    errors = FieldErrors()
    handling = _required(errors, "handling", handling, MAX_HANDLING, "处理情况")
    errors.raise_if_any()
    with audited_atomic():
        comment = visible_comments(actor).select_for_update(of=("self",)).filter(pk=comment_id).first()
        if comment is None:
            raise NotFound("意见不存在")
        if comment.handled_at is not None:
            raise Conflict("该意见已处理")
        comment.handling, comment.handled_by, comment.handled_at = handling, actor, now
        comment.save(update_fields=["handling", "handled_by", "handled_at"])
        record(action=AuditAction.CONFIG_UPDATE, summary=f"处理公示意见（{comment.get_kind_display()}）",
               actor=actor, obj=comment, now=now, data={"bulletin": comment.bulletin_id})
    return comment


# --- selectors ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardItem:
    """An item offered at the unit: its current version (with fees) and the committed limit that applies there."""

    version: ItemVersion
    committed_limit: int
    fees: list[Fee]

    @property
    def code(self) -> str:
        return str(self.version.item.code)


@dataclass(frozen=True)
class Board:
    """What the wall of a unit shows on ``today``."""

    unit: Unit
    today: dt.date
    duty: list[Acting]  # one per post of an active window: A and B, who acts today (B stands in for an absent A)
    chief: StaffProfile | None
    rules: BoardRules | None
    bulletins: list[Bulletin]  # open today, each with ``handled_comments`` (oldest first)
    complaint_phone: str
    items: list[BoardItem]
    # 便民活动 (decision 0026 §7): coming events published, cancelled ones with the reason, those held in the last 30
    # days with their attendance; each with ``departments`` (the 科室 taking part) prefetched.
    events: list[CareEvent]

    @property
    def staff_ids(self) -> set[int]:
        """The staff the board shows (their photos may be served)."""
        ids = {i for a in self.duty for i in (a.post.a_staff_id, a.post.b_staff_id) if i}
        if self.chief is not None:
            ids.add(self.chief.pk)
        return ids


def _posts(unit: Unit) -> QuerySet[Post]:
    return (Post.objects.filter(window__unit=unit, window__is_active=True)
            .select_related("window", "a_staff", "b_staff").order_by("window__number", "name", "pk"))


def duty_today(unit: Unit, today: dt.date) -> list[Acting]:
    """Return who acts for each post of the unit's active windows on ``today`` (two queries)."""
    posts = list(_posts(unit))
    away = absent_staff_ids({i for p in posts for i in (p.a_staff_id, p.b_staff_id) if i}, today)
    return [acting_for(p, today, away=away) for p in posts]


def stand_in(acting: Acting) -> str:
    """Return who stands in for whom on the post ("B角 张三 代 A角 李四 在岗"), or "" when A is on duty."""
    post = acting.post
    if not acting.is_backup or post.b_staff is None:
        return ""
    return f"B角 {post.b_staff.name} 代 A角 {post.a_staff.name} 在岗"


def board_staff_ids(unit: Unit) -> set[int]:
    """Return the staff the unit's board shows: A and B of its posts and the 首席责任人 (for their photos)."""
    ids = {i for pair in _posts(unit).values_list("a_staff_id", "b_staff_id") for i in pair if i}
    chief = chief_responsible(unit)
    if chief is not None:
        ids.add(chief.pk)
    return ids


def current_rules(unit: Unit) -> BoardRules | None:
    return BoardRules.objects.filter(unit=unit).order_by("-version").first()


def rules_history(unit: Unit) -> QuerySet[BoardRules]:
    """Return every version of the unit's rules, newest first, with who edited it."""
    return BoardRules.objects.filter(unit=unit).select_related("edited_by").order_by("-version")


# What the public sees of a comment: never its name or phone, which are not even read.
PUBLIC_COMMENT_FIELDS = ("id", "bulletin_id", "kind", "text", "received_at", "handling", "handled_at")


def handled_comments() -> Prefetch:
    """Prefetch a bulletin's handled comments as ``handled_comments`` (public fields only: never the contact)."""
    return _handled()


def _handled() -> Prefetch:
    return Prefetch("comments", queryset=BulletinComment.objects.filter(handled_at__isnull=False)
                    .only(*PUBLIC_COMMENT_FIELDS).order_by("received_at", "pk"), to_attr="handled_comments")


def open_bulletins(unit: Unit, today: dt.date) -> QuerySet[Bulletin]:
    """Return the unit's bulletins on the board on ``today``, each with ``handled_comments``."""
    return (Bulletin.objects.filter(unit=unit, withdrawn_at__isnull=True, starts_on__lte=today, ends_on__gte=today)
            .prefetch_related(_handled()).order_by("-starts_on", "-pk"))


def public_bulletin(unit: Unit, bulletin_id: int, today: dt.date) -> Bulletin:
    """Return a published bulletin of the unit (open, ended or withdrawn; not one yet to start) with its
    ``handled_comments``. Raises NotFound otherwise."""
    bulletin = (Bulletin.objects.filter(unit=unit, pk=bulletin_id, starts_on__lte=today)
                .prefetch_related(_handled()).first())
    if bulletin is None:
        raise NotFound("公示不存在")
    return bulletin


def bulletin_archive(unit: Unit, today: dt.date) -> QuerySet[Bulletin]:
    """Return the unit's ended and withdrawn bulletins (published ones only), newest first; page it."""
    return (Bulletin.objects.filter(unit=unit, starts_on__lte=today)
            .filter(Q(ends_on__lt=today) | Q(withdrawn_at__isnull=False)).order_by("-ends_on", "-pk"))


def items_offered(unit: Unit) -> QuerySet[ItemVersion]:
    """Return the current versions of the items offered at ``unit``, with their fees: those the unit implements,
    those of the departments stationed at its active windows, and — at a town center or a village station — the
    items of its own level that name no implementing department."""
    offered = Q(implementing_unit=unit) | Q(implementing_unit__in=unit.windows.filter(
        is_active=True, department__isnull=False).values("department"))
    level = OWN_LEVEL.get(UnitKind(unit.kind))
    if level is not None:
        offered |= Q(level=level, implementing_unit__isnull=True)
    return (ItemVersion.objects.filter(offered, is_current=True).select_related("item")
            .prefetch_related(Prefetch("fees", queryset=Fee.objects.order_by("id"))).order_by("item__code"))


def complaint_phone(unit: Unit) -> str:
    """Return the unit's complaint phone, or the government hotline."""
    return unit.complaint_phone or str(settings.BIANMIN["HOTLINE"])


def board_events(unit: Unit, now: dt.datetime) -> list[CareEvent]:
    """Return the unit's 便民活动 on the board at ``now`` (``hospital.selectors.published_events``) with the 科室
    taking part, in two queries. Read at each request: the board is not cached, so an event published, cancelled or
    held shows at once."""
    events = published_events(unit.pk, now)
    prefetch_related_objects(events, Prefetch("departments", queryset=Unit.objects.order_by("path")))
    return events


def board_for(unit: Unit, today: dt.date, *, now: dt.datetime | None = None) -> Board:
    """Return what the unit's wall shows on ``today`` (its 便民活动 as at ``now``, by default the start of
    ``today``), in a fixed number of queries whatever its size."""
    items = [BoardItem(version=v, committed_limit=v.committed_limit_at(unit.kind), fees=list(v.fees.all()))
             for v in items_offered(unit)]
    moment = now if now is not None else timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    return Board(unit=unit, today=today, duty=duty_today(unit, today), chief=chief_responsible(unit),
                 rules=current_rules(unit), bulletins=list(open_bulletins(unit, today)),
                 complaint_phone=complaint_phone(unit), items=items, events=board_events(unit, moment))


def bulletins_for(user: AnyUser) -> QuerySet[Bulletin]:
    """Return the bulletins a leader manages, newest first, with their unit and comment counts."""
    return (visible_bulletins(user).select_related("unit", "created_by")
            .annotate(n_comments=Count("comments"),
                      n_open=Count("comments", filter=Q(comments__handled_at__isnull=True)))
            .order_by("-starts_on", "-pk"))


def comments_to_handle(user: AnyUser) -> QuerySet[BulletinComment]:
    """Return the comments still to handle on the bulletins the user manages, oldest first."""
    return (visible_comments(user).filter(handled_at__isnull=True).select_related("bulletin__unit")
            .order_by("received_at", "pk"))
