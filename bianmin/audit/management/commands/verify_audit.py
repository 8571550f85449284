"""Verify the whole audit trail: every row's hash, the links between rows and the signed anchors.

    manage.py verify_audit [--anchors PATH | --no-anchors]

Exits 0 when intact; otherwise prints each problem (Chinese / English) naming the first bad row's seq and exits 1.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bianmin.audit.verification import verify_audit


class Command(BaseCommand):
    help = "校验审计链（逐条哈希、前后链接、链外签名锚点）/ Verify the audit trail"

    def add_arguments(self, parser):
        parser.add_argument("--anchors", type=Path, default=None,
                            help="锚点文件（默认 BIANMIN['AUDIT_ANCHOR_FILE']，可用审计管理员保存的副本）")
        parser.add_argument("--no-anchors", action="store_true", help="只校验表内哈希链，不读锚点文件")

    def handle(self, *args, anchors=None, no_anchors=False, **options):
        result = verify_audit(anchors=not no_anchors, anchor_file=anchors)
        for note in result.notes:
            self.stdout.write(note)
        for problem in result.problems:
            self.stderr.write(f"- {problem}")
        if not result.ok:
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(result.summary()))
