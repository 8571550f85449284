"""Load the fictional demo county 云溪县 (demo mode only; idempotent), with three months of history by default."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from bianmin.accounts.roles import SECOND_FACTOR_ROLES
from bianmin.core.timeutils import now
from bianmin.demo.history import DEFAULT_CASES, DEFAULT_DAYS, history_exists, seed_history
from bianmin.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, HOSPITAL_LOGINS, seed_demo
from bianmin.demo.totp import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "载入演示县“云溪县”及约三个月的办件历史（仅限演示模式，可重复执行：已载入的部分不再重复）"

    def add_arguments(self, parser):
        parser.add_argument("--no-history", dest="history", action="store_false",
                            help="只载入机构、人员、事项和日历，不生成历史办件")
        parser.add_argument("--history-cases", type=int, default=DEFAULT_CASES,
                            help=f"历史办件数（默认 {DEFAULT_CASES}）")
        parser.add_argument("--history-days", type=int, default=DEFAULT_DAYS,
                            help=f"历史天数，截至今天（默认 {DEFAULT_DAYS}）")

    def handle(self, *args, history: bool, history_cases: int, history_days: int, **options):
        if not settings.BIANMIN.get("DEMO_MODE"):
            raise CommandError("演示数据只能在演示模式（开发或测试设置）下载入，生产环境不可使用")
        moment = now()
        result = seed_demo(moment)
        parts = [f"工作日历{'已导入' if result['calendar'] else '已存在'}",
                 f"机构{'已创建' if result['org'] else '已存在'}",
                 f"新增人员 {result['staff']} 名", f"新增事项 {result['items']} 个"]
        self.stdout.write(self.style.SUCCESS("演示县：" + "，".join(parts)))
        if history and history_exists():
            self.stdout.write("历史办件：数据库中已有办件或首问记录，不再生成")
        elif history:
            self.stdout.write(f"正在生成约 {history_days} 天的历史办件（约 {history_cases} 件），请稍候……")
            # DEBUG would keep every statement of the simulation in memory and, on SQLite, quote each one's
            # parameters with an extra query: about a third of the time. Only this process is affected.
            with override_settings(DEBUG=False):
                stats = seed_history(now=moment, cases=history_cases, days=history_days,
                                     progress=lambda line: self.stdout.write(line))
            if stats is not None:
                refused = sum(stats.errors.values())
                self.stdout.write(self.style.SUCCESS(
                    f"历史办件：{stats.cases} 件，首问 {stats.inquiries} 件，共 {stats.steps} 步"
                    + (f"（{refused} 步被业务规则拒绝，已跳过）" if refused else "")))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, name, role, unit, *_ in DEMO_LOGINS:
            otp = "  须动态验证码" if role in SECOND_FACTOR_ROLES else ""
            self.stdout.write(f"  {username:<14} {name}  {role.label}（{unit}）{otp}")
        self.stdout.write("医院便民服务中心（YY1）及其科室的演示账号（密码同上）：")
        for username, name, role, unit, title in HOSPITAL_LOGINS:
            otp = "  须动态验证码" if role in SECOND_FACTOR_ROLES else ""
            self.stdout.write(f"  {username:<14} {name}  {title}（{unit}）{otp}")
        self.stdout.write(f"演示动态验证码密钥（TOTP，所有须第二因素的演示账号共用）：{DEMO_TOTP_SECRET}；"
                          "当前验证码：.venv/bin/python -m bianmin.demo.totp")
