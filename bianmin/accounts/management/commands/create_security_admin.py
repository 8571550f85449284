"""Create the security administrator: the first account of a new installation (replaces ``createsuperuser``)."""
import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from bianmin.accounts.services import create_security_admin
from bianmin.core.errors import DomainError
from bianmin.core.timeutils import now

PASSWORD_ENV = "BIANMIN_SECADMIN_PASSWORD"  # noqa: S105 - the name of an environment variable


class Command(BaseCommand):
    help = ("创建安全管理员（仅此一个角色，不是超级用户）。已有在用的安全管理员时拒绝，除非加 --force-another。"
            f"密码交互输入，或在非交互时取自环境变量 {PASSWORD_ENV}。")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--full-name", default="", help="姓名")
        parser.add_argument("--force-another", action="store_true",
                            help="已有安全管理员时仍再建一个（仅当现有的无法登录时使用；写入审计记录）")
        parser.add_argument("--no-input", action="store_true", help=f"不交互：密码取自环境变量 {PASSWORD_ENV}")

    def handle(self, *args, username, full_name, force_another, no_input, **options):
        if no_input:
            password = os.environ.get(PASSWORD_ENV, "")
            if not password:
                raise CommandError(f"--no-input 时须设置环境变量 {PASSWORD_ENV}")
        else:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致")
        try:
            user = create_security_admin(username=username, full_name=full_name, password=password, now=now(),
                                         force_another=force_another)
        except DomainError as exc:
            details = "；".join(m for ms in exc.fields.values() for m in ms)
            raise CommandError(exc.message + (f"：{details}" if details else "")) from None
        self.stdout.write(self.style.SUCCESS(
            f"已创建安全管理员 {user.username}（仅安全管理员角色）。首次登录 /staff/ 时须绑定动态验证码；"
            "此后在“凭据重置”为其他账号发放首个密码，在“角色授权”授予角色。"))
