from django import forms
from django.contrib import admin

from bianmin.audit.admin_mixins import AuditedAdmin

from .models import Absence, Post, Region, StaffProfile, Unit, Window
from .services import clash_message, partner_absence, save_region, save_unit


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent", "path"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        save_region(obj)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "region", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    autocomplete_fields = ["region", "parent"]

    def save_model(self, request, obj, form, change):
        save_unit(obj)


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    autocomplete_fields = ["a_staff", "b_staff"]


@admin.register(Window)
class WindowAdmin(AuditedAdmin):
    list_display = ["number", "name", "unit", "department", "is_active"]
    list_filter = ["unit", "is_active"]
    search_fields = ["number", "name"]
    autocomplete_fields = ["unit", "department"]
    inlines = [PostInline]


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    list_display = ["badge_number", "name", "unit", "title", "is_active"]
    list_filter = ["unit", "is_active"]
    search_fields = ["badge_number", "name", "user__username"]
    autocomplete_fields = ["user", "unit"]


@admin.register(Post)
class PostAdmin(AuditedAdmin):
    list_display = ["name", "window", "a_staff", "b_staff"]
    search_fields = ["name", "window__name", "a_staff__name", "b_staff__name"]
    autocomplete_fields = ["window", "a_staff", "b_staff"]


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["staff", "kind", "start_date", "end_date", "note"]

    def clean(self):
        data = super().clean()
        staff, start, end = data.get("staff"), data.get("start_date"), data.get("end_date")
        if staff and start and end:
            if end < start:
                self.add_error("end_date", "结束日期不能早于开始日期")
            else:
                clash = partner_absence(staff, start, end, exclude_pk=self.instance.pk)
                if clash:
                    self.add_error("start_date", clash_message(clash))
        return data


@admin.register(Absence)
class AbsenceAdmin(AuditedAdmin):
    form = AbsenceForm
    list_display = ["staff", "kind", "start_date", "end_date", "override_by"]
    list_filter = ["kind"]
    date_hierarchy = "start_date"
    search_fields = ["staff__name", "staff__badge_number"]
    autocomplete_fields = ["staff"]
