"""Forms for the window screens; they only collect input — rules live in the services."""
from django import forms

from bianmin.cases.models import ApplicantKind, DeliveryMethod, IdType, MaterialReceipt
from bianmin.inquiries.models import Channel


class ReceiveForm(forms.Form):
    """No ``max_length``: a browser would silently cut a pasted name; the service refuses it, naming the field."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)  # one per blank form: no double receipt
    applicant_kind = forms.ChoiceField(label="申请人类型", choices=ApplicantKind.choices)
    name = forms.CharField(label="申请人姓名/名称", required=False,
                           widget=forms.TextInput(attrs={"autofocus": True}))
    id_type = forms.ChoiceField(label="证件类型", choices=IdType.choices, required=False)
    id_number = forms.CharField(label="证件号码", required=False)
    credit_code = forms.CharField(label="统一社会信用代码", required=False)
    credit_code_override_reason = forms.CharField(label="信用代码校验不通过的核验说明", required=False)
    legal_rep = forms.CharField(label="法定代表人", required=False)
    contact = forms.CharField(label="联系人", required=False)
    phone = forms.CharField(label="联系电话", required=False)
    address = forms.CharField(label="地址", required=False)
    agent_name = forms.CharField(label="代理人姓名", required=False)
    agent_id_type = forms.ChoiceField(label="代理人证件类型", choices=IdType.choices, required=False)
    agent_id_number = forms.CharField(label="代理人证件号码", required=False)
    agent_phone = forms.CharField(label="代理人电话", required=False)
    agent_authorization = forms.CharField(label="授权委托说明", required=False)


# "未提交" first: a row starts as not received, and the clerk marks what the applicant actually handed in.
RECEIPT_CHOICES = sorted(MaterialReceipt.choices, key=lambda choice: choice[0] != MaterialReceipt.MISSING)


class InquiryForm(forms.Form):
    channel = forms.ChoiceField(label="渠道", choices=Channel.choices)
    visitor_name = forms.CharField(label="来访人/来电人", required=False,
                                   widget=forms.TextInput(attrs={"autofocus": True}))
    phone = forms.CharField(label="电话", max_length=20, required=False)
    visitor_unit = forms.CharField(label="单位", required=False)
    matter = forms.CharField(label="咨询事项", widget=forms.Textarea(attrs={"rows": 3}))


class DeliverForm(forms.Form):
    method = forms.ChoiceField(label="送达方式", choices=DeliveryMethod.choices)
    received_by = forms.CharField(label="签收人")
