"""Re-encrypt every encrypted personal-data column with the first key of BIANMIN["FIELD_KEYS"] (decision 0018).

    manage.py rotate_field_keys [--batch 1000]

Rotation: put the new key first in BIANMIN_FIELD_KEYS (keep the old ones after it), restart, run this command,
then remove the old keys. The blind indexes and masked copies are recomputed too, so a new BLIND_INDEX_KEY takes
effect the same way. Safe to run again or after an interruption (each batch commits on its own).
"""
from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bianmin.core.crypto import Ciphertext, EncryptedTextField, InvalidToken, derived_fields, field_cipher


class Command(BaseCommand):
    help = "用第一个密钥重新加密全部个人信息字段，并重算检索索引和脱敏副本"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, batch: int, **options):
        cipher = field_cipher()
        for model in apps.get_models():
            encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not encrypted:
                continue
            derived = derived_fields(model)
            names = [f.attname for f in encrypted + derived]
            manager, last, done = model._base_manager, 0, 0
            while True:
                with transaction.atomic():
                    rows = list(manager.select_for_update().filter(pk__gt=last).order_by("pk")
                                .only("pk", *names)[:batch])
                    if not rows:
                        break
                    for row in rows:
                        plain = {}
                        for field in encrypted:
                            stored = row.__dict__[field.attname]
                            if not stored:
                                plain[field.name] = ""
                                continue
                            try:
                                plain[field.name] = cipher.decrypt(stored.encode()).decode()
                            except InvalidToken:
                                raise CommandError(f"{model._meta.label} #{row.pk} 的“{field.name}”无法用现有密钥解密："
                                                   "旧密钥须保留在 BIANMIN_FIELD_KEYS 中，直至本命令完成") from None
                            row.__dict__[field.attname] = Ciphertext(
                                cipher.encrypt(plain[field.name].encode()).decode())
                        for copy in derived:
                            row.__dict__[copy.attname] = copy.derive(plain[copy.source])
                    manager.bulk_update(rows, names)
                last, done = rows[-1].pk, done + len(rows)
            self.stdout.write(f"{model._meta.label}: {done}")
        self.stdout.write(self.style.SUCCESS("已用第一个密钥重新加密"))
