"""Account administration for the system administrator: accounts only, never roles (安全管理员 grants those)."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group

from bianmin.audit.admin_mixins import AuditedAdmin
from bianmin.users.models import User


class BianminUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = ["username", "full_name", "email", "is_active", "must_change_password"]


class BianminUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "full_name"]


# Roles are granted only by the security administrator through accounts.services (audited, 三权分立).
admin.site.unregister(Group)


class ResetPasswordForm(AdminPasswordChangeForm):
    """An administrator's reset: the user must change the password at the next sign-in."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()  # the admin's log_change then writes the audit row with the administrator as actor
        return user


@admin.register(User)
class BianminUserAdmin(AuditedAdmin, UserAdmin):
    form = BianminUserChangeForm
    add_form = BianminUserCreationForm
    change_password_form = ResetPasswordForm
    list_display = ["username", "full_name", "is_active", "last_login", "must_change_password"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "full_name"]
    ordering = ["username"]
    filter_horizontal = ()
    fieldsets = [(None, {"fields": ["username", "password", "full_name", "email"]}),
                 ("状态", {"fields": ["is_active", "must_change_password", "last_login", "password_changed_at"]})]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]})]
    readonly_fields = ["last_login", "password_changed_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # a new account changes its password at first sign-in
        super().save_model(request, obj, form, change)
