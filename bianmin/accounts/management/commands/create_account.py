"""Create an account with no role and no usable password (the first system administrator's, before anyone can use
the admin): the security administrator then issues its first password and grants its role."""
from django.core.management.base import BaseCommand, CommandError

from bianmin.accounts.services import create_account
from bianmin.core.errors import DomainError
from bianmin.core.timeutils import now


class Command(BaseCommand):
    help = "创建一个没有角色、没有可用密码的账号（用于首个系统管理员）；由安全管理员发放首个密码并授予角色"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--full-name", default="", help="姓名")

    def handle(self, *args, username, full_name, **options):
        try:
            user = create_account(username=username, full_name=full_name, now=now())
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(
            f"已创建账号 {user.username}（无角色、无密码）："
            "请安全管理员在“凭据重置”发放首个密码，在“角色授权”授予角色。"))
