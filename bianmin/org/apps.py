from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "bianmin.org"
    label = "org"
    verbose_name = "机构与人员"
