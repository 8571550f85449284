"""Back up the whole database to one file (PostgreSQL: pg_dump custom format; SQLite: the online backup API).

    manage.py backup --output /var/backups/bianmin/bianmin-$(date +%F).dump

Writes ``<output>.sha256`` beside it. Run daily, keep 30, restore one into a scratch database every month
(README "Backup and restore").
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bianmin.core.backup import BackupError, backup_database


class Command(BaseCommand):
    help = "备份整个数据库到一个文件（PostgreSQL 用 pg_dump 自定义格式，SQLite 用在线备份接口）"

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, required=True, help="备份文件路径（已存在则替换）")
        parser.add_argument("--database", default="default", help="数据库别名")

    def handle(self, *args, output, database="default", **options):
        try:
            done = backup_database(output=output, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"已备份（{done.vendor}）：{done.path}，{done.size / 1_048_576:.1f} MB，SHA-256 {done.sha256}"))
