"""System check: a large ``seed_volume`` load committed and left indexes or foreign keys to finish (decision 0031).

Tagged ``database`` because it reads a table (as ``workdays.W001``): it runs with ``check --database default`` and
during ``migrate``, and ``seed_volume`` itself finishes the ledger first.
"""
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError, connection


@register(Tags.database)
def check_pending_rebuild(app_configs=None, databases=None, **kwargs):
    from .models import PendingRebuild

    if not databases:
        return []
    try:
        if PendingRebuild._meta.db_table not in connection.introspection.table_names():
            return []  # not migrated yet
        items = list(PendingRebuild.objects.order_by("table", "name").values_list("table", "name")[:6])
        total = PendingRebuild.objects.count() if items else 0
    except DatabaseError:  # no database to ask: nothing to say
        return []
    if not items:
        return []
    shown = "、".join(f"{table}.{name}" for table, name in items[:5]) + ("等" if total > 5 else "")
    return [Warning(
        f"上次 seed_volume 载入的办件已提交，但仍有 {total} 项索引或外键验证未完成（{shown}）：相关查询会变慢。",
        hint="运行 manage.py seed_volume --finish 完成重建（下次运行 seed_volume 时也会先完成）。",
        id="demo.W001")]
