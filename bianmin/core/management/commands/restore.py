"""Restore a backup made by ``manage.py backup`` into the configured database, which must be empty.

    createdb bianmin_restore   # PostgreSQL: a new, empty database (SQLite: a new file path)
    DATABASE_URL=postgres://…/bianmin_restore manage.py restore --input bianmin-2026-12-01.dump
    DATABASE_URL=postgres://…/bianmin_restore manage.py verify_audit

Checks ``<input>.sha256`` when present. Then run ``manage.py migrate`` (a backup from an older release gets the
newer migrations) and ``manage.py verify_audit``.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bianmin.core.backup import BackupError, restore_database


class Command(BaseCommand):
    help = "把 manage.py backup 的备份恢复到当前配置的空数据库"

    def add_arguments(self, parser):
        parser.add_argument("--input", type=Path, required=True, help="备份文件路径")
        parser.add_argument("--database", default="default", help="数据库别名")

    def handle(self, *args, input, database="default", **options):
        try:
            restore_database(source=input, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"已从 {input} 恢复。"))
        self.stdout.write("下一步：manage.py migrate，然后 manage.py verify_audit")
