from django import forms
from django.contrib import admin, messages

from bianmin.audit.admin_mixins import AuditedAdmin
from bianmin.core.errors import DomainError
from bianmin.core.timeutils import now

from .models import Faq, Fee, ItemVersion, KindRule, Material, ServiceItem, VersionStatus
from .services import (
    ensure_editable,
    hour_limit_errors,
    lower_review_errors,
    new_draft,
    prepare_draft,
    publish_version,
    validate_kind_rule,
)


class _DraftOnlyInline(admin.TabularInline):
    extra = 0

    def _editable(self, obj) -> bool:
        return obj is None or obj.status == VersionStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class MaterialInline(_DraftOnlyInline):
    model = Material
    fields = ["order", "name", "original", "form", "copies", "necessity", "source", "standard", "blank_form",
              "sample"]


class FeeInline(_DraftOnlyInline):
    model = Fee


class FaqInline(_DraftOnlyInline):
    model = Faq


@admin.register(ServiceItem)
class ServiceItemAdmin(AuditedAdmin):
    list_display = ["code", "basic_code", "current_name", "created_at"]
    search_fields = ["code", "basic_code", "versions__name"]
    readonly_fields = ["created_at"]
    actions = ["make_draft"]

    def get_readonly_fields(self, request, obj=None):
        # The codes identify the item on every case and notice (and in cached pinned versions): fixed once saved.
        return [*self.readonly_fields, "code", "basic_code"] if obj is not None else self.readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("versions")

    @admin.display(description="现行名称")
    def current_name(self, obj):
        current = [v for v in obj.versions.all() if v.is_current]
        return current[0].name if current else "（未发布）"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_at = now()
        super().save_model(request, obj, form, change)

    @admin.action(description="为所选事项新建草稿版本")
    def make_draft(self, request, queryset):
        for item in queryset:
            try:
                draft = new_draft(actor=request.user, item=item, now=now())
            except DomainError as exc:
                self.message_user(request, f"{item.code}：{exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{item.code}：已新建第{draft.number}版草稿")


class ItemVersionForm(forms.ModelForm):
    """A draft's form (the admin adds its model and fields): the 下级机关初审期限 and limits in hours are checked as
    it is saved, the rest of the content when the draft is published."""

    def clean(self):
        data = super().clean()
        if data.get("lower_review_days") is not None:  # a value the field itself refused has its error already
            level = data.get("level") or self.instance.level
            for message in lower_review_errors(level, data["lower_review_days"]):
                self.add_error("lower_review_days", message)

        def value(field: str):
            return data[field] if field in data else getattr(self.instance, field)

        errors = hour_limit_errors(
            level=value("level"), legal_unit=value("legal_limit_unit"), committed_unit=value("committed_limit_unit"),
            special_procedures=value("special_procedures"), extension_allowed=bool(value("extension_allowed")))
        for field, messages_ in errors.items():
            for message in messages_:
                self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(ItemVersion)
class ItemVersionAdmin(AuditedAdmin):
    form = ItemVersionForm
    list_display = ["item", "name", "number", "status", "is_current", "level", "kind", "published_at"]
    list_filter = ["status", "is_current", "level", "kind"]
    search_fields = ["name", "item__code"]
    autocomplete_fields = ["item", "implementing_unit", "joint_units"]
    inlines = [MaterialInline, FeeInline, FaqInline]
    actions = ["publish"]
    readonly_fields = ["number", "status", "is_current", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return [f.name for f in self.model._meta.fields] + ["joint_units"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.status == VersionStatus.DRAFT) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        ensure_editable(obj)
        if not change:
            prepare_draft(obj)
        super().save_model(request, obj, form, change)

    @admin.action(description="发布所选草稿（成为现行版本）")
    def publish(self, request, queryset):
        for version in queryset:
            try:
                publish_version(actor=request.user, version=version, now=now())
            except DomainError as exc:
                detail = "；".join(m for msgs in exc.fields.values() for m in msgs) or exc.message
                self.message_user(request, f"{version}：{detail}", messages.ERROR)
            else:
                self.message_user(request, f"{version}：已发布")


class KindRuleForm(forms.ModelForm):
    class Meta:
        model = KindRule
        fields = ["kind", "intake_working_days", "start_within_working_days", "result_notice_working_days"]

    def clean(self):
        data = super().clean()
        for field, messages_ in validate_kind_rule(data.get("kind") or "", data.get("intake_working_days"),
                                                   data.get("start_within_working_days"),
                                                   data.get("result_notice_working_days")).items():
            for message in messages_:
                self.add_error(field, message)
        return data


@admin.register(KindRule)
class KindRuleAdmin(AuditedAdmin):
    """Per kind of item: the intake timer, the hand-over limit and the result-notice limit (audited)."""

    form = KindRuleForm
    list_display = ["kind", "intake_working_days", "start_within_working_days", "result_notice_working_days"]
