from django import forms
from django.contrib import admin

from bianmin.audit.admin_mixins import AuditedAdmin
from bianmin.core.admin import ReadOnlyAdminMixin
from bianmin.core.errors import DomainError

from .models import CalendarDay, CalendarYear, DaySource
from .services import bump_revision, check_days


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdminMixin, AuditedAdmin):
    """Years published by the State Council, read-only here: a year is entered on 工作台 → 工作日历, which also
    recomputes open cases' deadlines (its days are under 日历例外日)."""

    list_display = ["year", "notice", "published_on", "finalized_at", "finalized_by"]
    readonly_fields = ["year", "notice", "published_on", "finalized_at", "finalized_by"]


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["region", "date", "kind", "name", "source"]

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("kind") and data.get("name") is not None:
            try:
                check_days([(data["date"], data["kind"], data["name"])])
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from None
        if data.get("region") and data.get("source") == DaySource.OFFICIAL:
            self.add_error("source", "地方的休息日或工作日来源应为“地方规定”")
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """National days of published years and each region's local rest days or workdays."""

    form = CalendarDayForm
    list_display = ["date", "name", "kind", "source", "region"]
    list_filter = ["source", "kind"]
    date_hierarchy = "date"
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_revision()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_revision()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_revision()
