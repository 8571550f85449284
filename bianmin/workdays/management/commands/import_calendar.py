"""Seed the official national calendar (2004 onward) from the chinesecalendar package; idempotent."""
from django.core.management.base import BaseCommand

from bianmin.core.timeutils import now
from bianmin.workdays.services import chinesecalendar_days, import_official


class Command(BaseCommand):
    help = "从 chinesecalendar 导入国务院放假安排（可重复执行）"

    def handle(self, *args, **options):
        days, years = chinesecalendar_days()
        count = import_official(days, years, notice="chinesecalendar 数据包", now=now())
        self.stdout.write(self.style.SUCCESS(f"已导入 {years[0]}—{years[-1]} 年，共 {count} 个例外日"))
