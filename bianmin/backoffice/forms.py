from typing import Any

from django import forms
from django.db.models import QuerySet

from bianmin.accounts.models import ResetKind
from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditAction
from bianmin.org.models import AbsenceKind, StaffProfile


def date_input() -> forms.DateInput:
    """A date picker: ``<input type="date">`` takes only ISO dates, whatever the language's display format."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})

class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="密码", max_length=128,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class SecondFactorForm(forms.Form):
    code = forms.CharField(label="动态验证码或恢复码", max_length=32,
                           help_text="手机验证器中的6位数字；手机不在身边时可用一个恢复码",
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code",
                                                         "spellcheck": "false"}))


class EnrolForm(forms.Form):
    code = forms.CharField(label="验证器显示的6位数字", max_length=10,
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code",
                                                         "inputmode": "numeric"}))


class ResetForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    kind = forms.ChoiceField(label="重置内容", choices=ResetKind.choices, widget=forms.RadioSelect,
                             initial=ResetKind.PASSWORD)
    reason = forms.CharField(label="理由", max_length=200, help_text="例如：本人遗忘密码，已当面核实身份")


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput(attrs={"autofocus": True}))
    new_password = forms.CharField(label="新密码", max_length=128, widget=forms.PasswordInput,
                                   help_text="至少12位，包含大写字母、小写字母、数字、符号中的至少三类")
    new_password2 = forms.CharField(label="再次输入新密码", max_length=128, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作账号", required=False)
    action = forms.ChoiceField(label="事件", required=False, choices=[("", "全部"), *AuditAction.choices])
    date_from = forms.DateField(label="起始日期", required=False, widget=date_input())
    date_to = forms.DateField(label="截止日期", required=False, widget=date_input())
    text = forms.CharField(label="摘要包含", required=False)


class RoleChangeForm(forms.Form):
    username = forms.CharField(label="用户名")
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    op = forms.ChoiceField(choices=[("grant", "授予"), ("revoke", "撤销")])


class UnlockForm(forms.Form):
    username = forms.CharField(label="用户名")


class CalendarNoticeForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2004, max_value=2060)
    notice = forms.CharField(label="通知文号", max_length=128, help_text="例如：国办发明电〔2026〕X号")
    published_on = forms.DateField(label="发布日期", required=False, widget=date_input())
    days = forms.CharField(label="放假日和调休上班日", widget=forms.Textarea(attrs={"rows": 24, "cols": 48}),
                           help_text="每行一天：日期 类型 名称，类型为“休”或“班”，例如 2027-02-07 班 春节调休")


class AbsenceForm(forms.Form):
    """离岗登记 on the AB page: staff may register their own absence; leaders anyone of their unit."""

    staff = forms.ModelChoiceField(label="人员", queryset=StaffProfile.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label="类型", choices=AbsenceKind.choices)
    start_date = forms.DateField(label="开始日期", widget=date_input())
    end_date = forms.DateField(label="结束日期", widget=date_input())
    note = forms.CharField(label="说明", max_length=255, required=False)
    leader_override = forms.BooleanField(label="批准A、B角同时离岗（领导）", required=False)

    def __init__(self, *args: Any, staff_choices: QuerySet[StaffProfile], may_override: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = self.fields["staff"]
        assert isinstance(staff, forms.ModelChoiceField)  # declared above
        staff.queryset = staff_choices
        if not may_override:
            del self.fields["leader_override"]
