from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "bianmin.inquiries"
    label = "inquiries"
    verbose_name = "首问登记"
