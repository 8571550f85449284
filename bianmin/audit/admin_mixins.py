"""An admin mixin that writes an audit row for each save and delete, in the admin's transaction."""
from __future__ import annotations

from django.contrib import admin

from bianmin.core.http import client_ip
from bianmin.core.timeutils import now

from .models import AuditAction
from .services import record


def _ip(request) -> str | None:
    return client_ip(request)  # behind the trusted proxy, the client's address (core.http)


class AuditedAdmin(admin.ModelAdmin):
    """Audit configuration changes made through the admin (Django wraps each change in a transaction)."""

    def log_addition(self, request, obj, message):
        record(action=AuditAction.CONFIG_CREATE, summary=f"新增{obj._meta.verbose_name}：{obj}"[:500],
               actor=request.user, obj=obj, now=now(), ip=_ip(request), data={"change": str(message)[:2000]})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        record(action=AuditAction.CONFIG_UPDATE, summary=f"修改{obj._meta.verbose_name}：{obj}"[:500],
               actor=request.user, obj=obj, now=now(), ip=_ip(request), data={"change": str(message)[:2000]})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            record(action=AuditAction.CONFIG_DELETE, summary=f"删除{obj._meta.verbose_name}：{obj}"[:500],
                   actor=request.user, obj=obj, now=now(), ip=_ip(request))
        return super().log_deletions(request, queryset)
