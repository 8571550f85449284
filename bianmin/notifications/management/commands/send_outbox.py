"""Send due messages from the outbox once (the scheduler does this continuously)."""
from django.core.management.base import BaseCommand

from bianmin.core.timeutils import now
from bianmin.notifications.services import build_digests, deliver_due


class Command(BaseCommand):
    help = "发送消息队列中到期的短信和站内消息（失败的按退避时间重试）"

    def handle(self, *args, **options):
        digests = build_digests(now=now())
        totals = deliver_due(now=now())
        self.stdout.write(self.style.SUCCESS(
            f"汇总提醒 {digests} 份；发送成功 {totals['sent']}，待重试 {totals['retry']}，失败 {totals['failed']}"))
