"""Write a signed anchor of the audit chain's head now (the scheduler does this every round).

    manage.py anchor_audit [--force]
"""
from django.core.management.base import BaseCommand

from bianmin.audit.anchors import anchor_audit_head, anchor_path
from bianmin.core.timeutils import now


class Command(BaseCommand):
    help = "为审计链头写入签名锚点 / Anchor the audit chain's head"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="链头未变也写一行")

    def handle(self, *args, force=False, **options):
        anchor = anchor_audit_head(now=now(), force=force)
        if anchor is None:
            self.stdout.write(f"链头未变化，未写入（{anchor_path()}）/ head unchanged since the last anchor")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"已写入锚点：第 {anchor.seq} 条 {anchor.hash[:16]}… → {anchor_path()}"))
