"""The queue's configuration in the admin (decision 0025 §3): the system administrator sets each center's business
types (letter, name, the windows that call them, the default service minutes); every change is audited
(``AuditedAdmin``). Tickets and counters are written only by the queue's services: the admin may look, never edit."""
from django import forms
from django.contrib import admin

from bianmin.audit.admin_mixins import AuditedAdmin
from bianmin.core.admin import ReadOnlyAdminMixin

from .models import Counter, ServiceType, Ticket


class ServiceTypeForm(forms.ModelForm):
    class Meta:
        model = ServiceType
        fields = ["unit", "letter", "name", "windows", "default_minutes", "is_active", "position"]

    def clean(self):
        data = super().clean()
        unit, windows = data.get("unit"), data.get("windows")
        if unit is not None and windows is not None:
            foreign = [str(w) for w in windows if w.unit_id != unit.pk]
            if foreign:
                self.add_error("windows", f"只能选择本中心的窗口：{'、'.join(foreign)} 不属于{unit.name}")
        return data


@admin.register(ServiceType)
class ServiceTypeAdmin(AuditedAdmin):
    form = ServiceTypeForm
    list_display = ["letter", "name", "unit", "default_minutes", "position", "is_active"]
    list_filter = ["is_active", "unit"]
    search_fields = ["letter", "name", "unit__name"]
    autocomplete_fields = ["unit"]
    filter_horizontal = ["windows"]
    ordering = ["unit__path", "position", "letter"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "windows":  # active windows only, grouped by center in the list
            from bianmin.org.models import Window

            kwargs["queryset"] = Window.objects.filter(is_active=True).select_related("unit").order_by(
                "unit__path", "number")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "day", "unit", "service_type", "source", "status", "window", "call_count", "issued_at",
                    "called_at", "finished_at", "case", "inquiry"]
    list_filter = ["status", "source", "day", "unit"]
    search_fields = ["number"]
    date_hierarchy = "issued_at"
    list_select_related = ["unit", "service_type", "window", "case", "inquiry"]
    exclude = ["appointment"]  # a booking holds the applicant's name and phone: the booking pages show it masked
    ordering = ["-day", "-issued_at"]


@admin.register(Counter)
class CounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["window", "staff", "opened_at", "closed_at"]
    list_filter = ["window__unit"]
    list_select_related = ["window__unit", "staff"]
