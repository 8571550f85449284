from django import forms
from django.contrib import admin

from bianmin.audit.admin_mixins import AuditedAdmin
from bianmin.core.errors import DomainError

from .models import Absence, MeetingCadence, Post, Region, StaffProfile, Unit, Window
from .services import (
    check_chief,
    check_county_move,
    check_meeting_cadence,
    check_sector,
    check_unit_county,
    clash_message,
    county_of,
    partner_absence,
    save_region,
    save_unit,
)


def _field_errors(form: forms.ModelForm, exc: DomainError) -> None:
    for field, texts in exc.fields.items():
        for message in texts:
            form.add_error(field if field in form.fields else None, message)


class RegionForm(forms.ModelForm):
    """The admin builds the fields from RegionAdmin; this adds the county check (units keep their county)."""

    def clean(self):
        data = super().clean()
        probe = Region(pk=self.instance.pk, code=data.get("code") or self.instance.code,
                       level=data.get("level") or self.instance.level, parent=data.get("parent"))
        try:
            check_county_move(probe)
        except DomainError as exc:
            _field_errors(self, exc)
        return data


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent", "path"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]

    form = RegionForm

    def save_model(self, request, obj, form, change):
        save_region(obj)


class UnitForm(forms.ModelForm):
    """The admin builds the fields (model and field list) from UnitAdmin; this adds the 首席责任人 check."""

    def clean(self):
        data = super().clean()
        probe = Unit(pk=self.instance.pk, code=data.get("code") or self.instance.code, kind=data.get("kind", ""),
                     sector=data.get("sector", ""), parent=data.get("parent"))
        try:
            check_sector(probe)
        except DomainError as exc:
            _field_errors(self, exc)
        if data.get("region"):
            probe.region = data["region"]
            probe.county = county_of(data["region"])
            try:
                check_unit_county(probe)
            except DomainError as exc:
                _field_errors(self, exc)
        if data.get("chief_responsible"):
            try:
                check_chief(data["chief_responsible"], unit_id=self.instance.pk, parent=data.get("parent"))
            except DomainError as exc:
                _field_errors(self, exc)
        return data


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    form = UnitForm
    list_display = ["code", "name", "kind", "sector", "region", "parent", "chief_responsible", "is_active"]
    list_filter = ["kind", "sector", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    autocomplete_fields = ["region", "parent", "chief_responsible"]

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


class MeetingCadenceForm(forms.ModelForm):
    class Meta:
        model = MeetingCadence
        fields = ["unit_kind", "joint_cadence", "regular_cadence"]

    def clean(self):
        data = super().clean()
        if data.get("joint_cadence") and "regular_cadence" in data:
            try:
                check_meeting_cadence(joint_cadence=data["joint_cadence"], regular_cadence=data["regular_cadence"])
            except DomainError as exc:
                _field_errors(self, exc)
        return data


@admin.register(MeetingCadence)
class MeetingCadenceAdmin(AuditedAdmin):
    """会议制度: how often each kind of unit holds its 联席会议 and 工作例会 (a missing kind uses the defaults)."""

    form = MeetingCadenceForm
    list_display = ["unit_kind", "joint_cadence", "regular_cadence"]
