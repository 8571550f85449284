"""A log of sweep runs (for operators: when it last ran and what it found)."""
from django.db import models


class SweepRun(models.Model):
    started_at = models.DateTimeField("开始时间", db_index=True)
    finished_at = models.DateTimeField("结束时间")
    node = models.CharField("节点", max_length=64)
    counts = models.JSONField("结果", default=dict)
    seconds = models.FloatField("耗时（秒）")

    class Meta:
        verbose_name = "巡检记录"
        verbose_name_plural = "巡检记录"
        ordering = ["-started_at"]
