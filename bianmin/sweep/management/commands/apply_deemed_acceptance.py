"""Accept by law, as of the day their materials were received, applications neither accepted nor given a 补正
notice within the intake limit, recording each violation (idempotent; the sweep does the same every round)."""
from django.core.management.base import BaseCommand, CommandError

from bianmin.core.errors import PartlyDone
from bianmin.core.timeutils import now
from bianmin.sweep.services import deem_accepted


class Command(BaseCommand):
    help = "审查期限内既未受理也未出具补正通知的申请，依法视为受理并登记过错（可重复执行）"

    def handle(self, *args, **options):
        try:
            done, failed = deem_accepted(now=now()), None
        except PartlyDone as exc:  # the others were accepted; these are left for the next run
            done, failed = exc.done, exc
        listed = f"：{'、'.join(done[:20])}" if done else ""
        self.stdout.write(self.style.SUCCESS(f"视为受理 {len(done)} 件{listed}"))
        if failed is not None:
            raise CommandError(f"视为受理未完成：{failed}")
