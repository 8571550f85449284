"""Run the sweep once: deemed acceptance, warnings, overdue cases, late replies, violation records."""
from django.core.management.base import BaseCommand

from bianmin.core.timeutils import now
from bianmin.sweep.services import run_sweep

LABELS = {"deemed_accepted": "视为受理", "unjustified_supplements": "无正当理由再次补正",
          "late_decisions": "超期办结", "stamped": "补算预警日期", "overdue": "超期未办结",
          "yellow": "黄色预警", "late_replies": "首问答复超期", "unreported_escorts": "信访陪同未登记结果",
          "intake_clocks_missing": "缺少受理审查期限",
          "not_started": "受理后未及时开始办理", "result_not_told": "未及时告知办理结果",
          "deferred_overdue": "补办材料逾期未补交", "relay_hops": "代办交接预警和超时",
          "relay_deliveries": "代办结果逾期未送达",
          "complaint_replies": "投诉答复预警和超时",
          "rating_follow_ups": "差评回访整改预警和超时", "default_ratings": "默认评价",
          "hall": "大厅（预约办结等）", "hospital": "医院科室协调（提醒和超时）",
          "errors": "出错的步骤"}


class Command(BaseCommand):
    help = "时限巡检（可重复执行，多节点同时执行也不会重复登记）"

    def handle(self, *args, **options):
        counts = run_sweep(now=now())
        self.stdout.write(self.style.SUCCESS("时限巡检完成：" + "，".join(
            f"{LABELS.get(k, k)} {v}" for k, v in counts.items())))
