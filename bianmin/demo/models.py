"""The demo app's one table: what a large ``seed_volume`` load still has to rebuild (decision 0031, session 16)."""
from django.db import models
from django.utils import timezone


class PendingRebuild(models.Model):
    """An index, constraint or foreign key a large load dropped and that is not back yet (or, for a foreign key, put
    back ``NOT VALID`` and not validated yet).

    Written in the load's own transaction, with the drops (so the two commit or roll back together), and deleted in
    the transaction that puts the item back, so a load interrupted after its commit never forgets one: the next
    ``seed_volume`` (or ``seed_volume --finish``) completes them first, and ``manage.py check --database default``
    (and ``migrate``) warns while any is left (``bianmin.demo.checks``). Unique and primary-key constraints are back
    before the load commits, so only plain indexes and foreign keys' validations are ever left after it.
    """

    class Kind(models.TextChoices):
        INDEX = "index", "索引"
        CONSTRAINT = "constraint", "唯一约束"
        FOREIGN_KEY = "foreign key", "外键约束"

    table = models.CharField("表", max_length=63)
    name = models.CharField("名称", max_length=63)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    # The catalogue's text: the CREATE INDEX statement of an index, the constraint's definition otherwise.
    definition = models.TextField("定义")
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "待重建的索引或约束"
        verbose_name_plural = "待重建的索引或约束"
        constraints = [models.UniqueConstraint(fields=["table", "name"], name="pendingrebuild_table_name_uniq")]

    def __str__(self) -> str:
        return f"{self.table}.{self.name}"
