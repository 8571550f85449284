"""Load the fictional demo county 云溪县 (demo mode only; idempotent)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bianmin.accounts.roles import SECOND_FACTOR_ROLES
from bianmin.core.timeutils import now
from bianmin.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from bianmin.demo.totp import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "载入演示县“云溪县”（仅限演示模式，可重复执行）"

    def handle(self, *args, **options):
        if not settings.BIANMIN.get("DEMO_MODE"):
            raise CommandError("演示数据只能在演示模式（开发或测试设置）下载入，生产环境不可使用")
        result = seed_demo(now())
        parts = [f"工作日历{'已导入' if result['calendar'] else '已存在'}",
                 f"机构{'已创建' if result['org'] else '已存在'}",
                 f"新增人员 {result['staff']} 名", f"新增事项 {result['items']} 个"]
        self.stdout.write(self.style.SUCCESS("演示县：" + "，".join(parts)))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, name, role, unit, *_ in DEMO_LOGINS:
            otp = "  须动态验证码" if role in SECOND_FACTOR_ROLES else ""
            self.stdout.write(f"  {username:<14} {name}  {role.label}（{unit}）{otp}")
        self.stdout.write(f"演示动态验证码密钥（TOTP，所有须第二因素的演示账号共用）：{DEMO_TOTP_SECRET}；"
                          "当前验证码：.venv/bin/python -m bianmin.demo.totp")
