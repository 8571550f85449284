"""The hall's devices (decision 0025 §1, §4): big screens (大厅显示屏) and ticket kiosks (取号机), bound to a center by
a device token like the rating pads (decision 0024). A supervisor issues a device for a center in their scope and is
shown a one-time activation code once; typed on the device (``/screen/activate/`` or ``/kiosk/activate/``) it is
exchanged for a device token kept only in the device's HttpOnly cookie. Only SHA-256 digests are stored; a revoked
device stops working at once."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.devicecodes import clean_code, digest, new_code, new_token
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.core.prepared import Arg, Prepared
from bianmin.core.ratelimit import address_key, hit
from bianmin.org.models import Unit, UnitKind
from bianmin.org.policies import scope_path

from .models import DeviceKind, HallDevice

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser, User

ACTIVATION_HOURS = 24
ACTIVATIONS_PER_MINUTE = 10  # per client address: a guessed code is refused long before it could be found
SEEN_EVERY = dt.timedelta(minutes=1)  # "last seen" is written at most this often (a screen polls every 2 s)
# The units that receive the public at windows (a hall, however small); not the departments behind them.
HALL_KINDS = (UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER, UnitKind.VILLAGE_STATION, UnitKind.INSTITUTION_DESK)
ACTIVATE_PATHS: dict[str, str] = {DeviceKind.SCREEN: "/screen/activate/", DeviceKind.KIOSK: "/kiosk/activate/"}
# The device token's cookie, set by the activation page; read by the device's pages and its API calls.
COOKIE_NAMES: dict[str, str] = {DeviceKind.SCREEN: "bianmin_screen", DeviceKind.KIOSK: "bianmin_kiosk"}


# --- who may -----------------------------------------------------------------------------------------------------


def manageable_units(user: AnyUser) -> list[Unit]:
    """Return the centers whose screens and kiosks ``user`` may issue and revoke: a supervisor's, within their
    scope."""
    path = scope_path(user)
    if path is None or not can(user, Perm.SUPERVISE):
        return []
    return list(Unit.objects.filter(path__startswith=path, kind__in=HALL_KINDS, is_active=True).order_by("path"))


def _require_supervisor(actor: AnyUser) -> None:
    if not can(actor, Perm.SUPERVISE):
        raise Forbidden("只有监督员可以发放或吊销大厅设备")


def _unit_for(actor: AnyUser, unit_id: object) -> Unit:
    _require_supervisor(actor)
    try:
        wanted = int(str(unit_id))
    except ValueError:
        raise DomainError.for_field("unit", "请选择服务中心") from None
    unit = next((u for u in manageable_units(actor) if u.pk == wanted), None)
    if unit is None:
        raise NotFound("服务中心不存在", fields={"unit": ["服务中心不存在或不在您的管辖范围内"]})
    return unit


def devices_of(user: AnyUser) -> list[HallDevice]:
    """Return the screens and kiosks of the centers ``user`` manages, by center and kind, newest first."""
    units = manageable_units(user)
    return list(HallDevice.objects.filter(unit__in=units).select_related("unit", "issued_by", "revoked_by")
                .order_by("unit__path", "kind", "-issued_at", "-id"))


# --- issue, revoke, activate -------------------------------------------------------------------------------------


def issue_device(*, actor: User, unit_id: object, kind: object, label: str,
                 now: dt.datetime) -> tuple[HallDevice, str]:
    """Issue a screen or kiosk for a center and return it with its one-time activation code (valid
    ``ACTIVATION_HOURS``; shown once, only its digest is kept).

    Raises Forbidden unless the actor supervises; NotFound naming ``unit`` for a center out of their scope;
    DomainError naming ``kind`` for an unknown kind, ``label`` when it is empty or over 64 characters."""
    unit = _unit_for(actor, unit_id)
    if kind not in DeviceKind.values:
        raise DomainError.for_field("kind", "请选择设备类型（大厅显示屏或取号机）")
    device_kind = DeviceKind(str(kind))
    name = (label or "").strip()
    if not name:
        raise DomainError.for_field("label", "请填写设备名称（例如：一楼大厅显示屏）")
    if len(name) > 64:
        raise DomainError.for_field("label", f"设备名称不能超过64个字（现有{len(name)}个字）")
    code = new_code()
    kind_label = device_kind.label
    with audited_atomic():
        device = HallDevice.objects.create(
            unit=unit, kind=device_kind, label=name, token_hash=digest(new_token()),  # replaced on activation
            activation_hash=digest(code), activation_expires_at=now + dt.timedelta(hours=ACTIVATION_HOURS),
            issued_by=actor, issued_at=now)
        record(action=AuditAction.CONFIG_CREATE, summary=f"发放{kind_label}：{unit.name}（{name}）", actor=actor,
               obj=device, now=now, data={"unit": unit.pk, "kind": device_kind.value})
    return device, code


def revoke_device(*, actor: User, device_id: object, now: dt.datetime) -> HallDevice:
    """Revoke a screen or kiosk: its token and any unused activation code stop working at once.

    Raises Forbidden unless the actor supervises; NotFound for a device out of their scope (or missing); Conflict
    ``already_revoked`` when it is already revoked."""
    _require_supervisor(actor)
    try:
        wanted = int(str(device_id))
    except ValueError:
        raise NotFound("设备不存在") from None
    with audited_atomic():
        device = (HallDevice.objects.select_for_update().select_related("unit")
                  .filter(pk=wanted, unit__in=manageable_units(actor)).first())
        if device is None:
            raise NotFound("设备不存在")
        if device.revoked_at is not None:
            raise Conflict("该设备已吊销", code="already_revoked")
        device.revoked_at, device.revoked_by, device.activation_hash = now, actor, ""
        device.save(update_fields=["revoked_at", "revoked_by", "activation_hash"])
        record(action=AuditAction.CONFIG_UPDATE,
               summary=f"吊销{device.get_kind_display()}：{device.unit.name}（{device.label}）", actor=actor,
               obj=device, now=now)
    return device


def activate_device(*, code: str, now: dt.datetime, kind: str | None = None,
                    ip: str | None = None) -> tuple[HallDevice, str]:
    """Activate the device whose one-time code is ``code`` and return it with its new device token (the code is void
    afterwards). With ``kind``, a code of another kind of device is refused and stays usable.

    Raises NotFound naming ``code`` for a wrong, used, expired or revoked code alike; DomainError naming ``code`` for
    a code of another kind; TooManyRequests after ``ACTIVATIONS_PER_MINUTE`` tries a minute from one address."""
    from bianmin.cases.lookup import TooManyRequests

    if not hit(f"hall-device-activate:{address_key(ip)}", limit=ACTIVATIONS_PER_MINUTE,
               window=dt.timedelta(minutes=1), now=now):
        raise TooManyRequests("尝试过于频繁，请一分钟后再试", retry_after=60)
    given = clean_code(code)
    refused = NotFound("激活码不正确或已失效", fields={"code": ["激活码不正确、已使用或已过期，请向监督员重新申领"]})
    if not given:
        raise refused
    token = new_token()
    with audited_atomic():
        device = (HallDevice.objects.select_for_update().select_related("unit")
                  .filter(activation_hash=digest(given), revoked_at__isnull=True,
                          activation_expires_at__gt=now).first())
        if device is None:
            raise refused
        if kind is not None and device.kind != kind:
            raise DomainError.for_field(
                "code", f"这是{device.get_kind_display()}的激活码，请在该设备上打开 {ACTIVATE_PATHS[device.kind]} 输入")
        device.token_hash, device.activation_hash, device.activated_at, device.last_seen_at = (
            digest(token), "", now, now)
        device.save(update_fields=["token_hash", "activation_hash", "activated_at", "last_seen_at"])
        record(action=AuditAction.CONFIG_UPDATE,
               summary=f"启用{device.get_kind_display()}：{device.unit.name}（{device.label}）",
               actor_username=device.kind.lower(), obj=device, now=now, ip=ip)
    return device, token


# A screen's poll and a kiosk's ticket: the device with its center and the center's screen version, in one statement
# compiled once per process and connection (prepared on PostgreSQL, ``core.prepared``). Building and compiling this
# queryset on every poll cost more app CPU than the rest of an unchanged poll (issue 16). No ORDER BY: the token's
# digest is unique.
_BY_TOKEN = Prepared(HallDevice, lambda: (
    HallDevice.objects.select_related("unit")
    .annotate(hall_version=Coalesce(F("unit__hall_state__version"), Value(0)))
    .filter(token_hash=Arg("token_hash", CharField()), kind=Arg("kind", CharField()), activated_at__isnull=False,
            revoked_at__isnull=True)
    .order_by()))


def device_for_token(token: str | None, *, kind: str, now: dt.datetime) -> HallDevice | None:
    """Return the active device of ``kind`` whose device token is ``token``, or None (unknown, another kind, not yet
    activated or revoked). One query, which also reads the center's screen version into ``hall_version`` (0 before
    any change); "last seen" is written at most once every ``SEEN_EVERY``."""
    if not token or len(token) > 128:
        return None
    found = _BY_TOKEN.objects(token_hash=digest(token), kind=str(kind))
    device = found[0] if found else None
    if device is not None and (device.last_seen_at is None or now - device.last_seen_at >= SEEN_EVERY):
        HallDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    return device


def screen_version(device: HallDevice) -> int:
    """Return the center's screen version read with ``device`` by ``device_for_token`` (or read now)."""
    version = getattr(device, "hall_version", None)
    if version is None:
        from .state import version_of

        return version_of(device.unit_id)
    return int(version)
