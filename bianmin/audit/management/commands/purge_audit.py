"""Delete audit rows older than the retention period (at least 184 days; SECURITY.md "Audit trail").

    manage.py purge_audit --before YYYY-MM-DD [--dry-run]

Refuses a date later than 184 days (``AUDIT_RETENTION_DAYS`` if longer) before today; the database triggers refuse
any younger row as well. Writes a signed purge anchor first, so ``verify_audit`` accepts the shortened chain.
"""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from bianmin.audit.models import AuditEntry
from bianmin.audit.services import purge_audit_before, retention_limit
from bianmin.core.errors import DomainError
from bianmin.core.timeutils import now


class Command(BaseCommand):
    help = "按保存期清理审计记录（至少保存 184 天）/ Purge audit rows past the retention period"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, type=dt.date.fromisoformat,
                            help="清理该日（本地日期）以前的记录，YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args, before, dry_run=False, **options):
        moment = now()
        if dry_run:
            limit = retention_limit(moment)
            if before > limit:
                raise CommandError(f"清理日期最晚为 {limit}")
            count = AuditEntry.objects.filter(at__date__lt=before).count()
            self.stdout.write(f"将清理约 {count} 条 {before} 以前的审计记录（试运行，未删除）")
            return
        try:
            deleted = purge_audit_before(before=before, now=moment, actor_username="manage.py purge_audit")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已清理 {deleted} 条 {before} 以前的审计记录；清理点已写入锚点文件"))
