"""Read-only log of sweep runs: when it last ran, what it changed, which step failed."""
from django.contrib import admin

from bianmin.core.admin import ReadOnlyAdminMixin

from .models import SweepRun


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["started_at", "node", "seconds", "counts"]
    date_hierarchy = "started_at"
