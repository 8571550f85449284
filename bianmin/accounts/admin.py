"""Account administration for the system administrator: accounts only — never roles, passwords or second factors
(the security administrator grants roles and resets credentials, 三权分立)."""
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from bianmin.audit.admin_mixins import AuditedAdmin
from bianmin.users.models import User

from .revocation import end_sessions_and_tokens


class BianminUserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "full_name", "email", "is_active", "must_change_password"]


class BianminUserCreationForm(forms.ModelForm):
    """A new account has no usable password: the security administrator issues its first, one-time password
    (工作台 → 凭据重置), so the system administrator never knows one."""

    class Meta:
        model = User
        fields = ["username", "full_name"]


# Roles are granted only by the security administrator through accounts.services (audited, 三权分立); second-factor
# devices are enrolled by their owner and reset only by the security administrator.
admin.site.unregister(Group)
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)


@admin.register(User)
class BianminUserAdmin(AuditedAdmin, UserAdmin):
    form = BianminUserChangeForm
    add_form = BianminUserCreationForm
    list_display = ["username", "full_name", "is_active", "last_login", "must_change_password"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "full_name"]
    ordering = ["username"]
    filter_horizontal = ()
    fieldsets = [(None, {"fields": ["username", "full_name", "email"]}),
                 ("状态", {"fields": ["is_active", "must_change_password", "last_login", "password_changed_at"]})]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "full_name"],
                             "description": "新账号没有可用密码：由安全管理员在“凭据重置”发放一次性临时密码，"
                                            "并在“角色授权”授予角色。"})]
    readonly_fields = ["last_login", "password_changed_at"]

    def user_change_password(self, request, id, form_url=""):
        # 三权分立: whoever sets a password can sign in as that person. Only the security administrator resets
        # passwords, through accounts.services.request_reset (双人复核 for administrators).
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
            obj.must_change_password = True  # a new account changes its password at first sign-in
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            end_sessions_and_tokens(obj)  # deactivation ends every session and token (the admin audits it)
