"""Accept, as of their receipt date, applications with no 补正 notice within 5 working days (idempotent)."""
from django.core.management.base import BaseCommand

from bianmin.cases.services import apply_deemed_acceptance
from bianmin.core.timeutils import now


class Command(BaseCommand):
    help = "收件后5个工作日内未出具补正通知的申请，依法视为受理（可重复执行）"

    def handle(self, *args, **options):
        done = apply_deemed_acceptance(now=now())
        listed = f"：{'、'.join(done[:20])}" if done else ""
        self.stdout.write(self.style.SUCCESS(f"视为受理 {len(done)} 件{listed}"))
