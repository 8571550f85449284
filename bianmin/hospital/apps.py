from django.apps import AppConfig


class HospitalConfig(AppConfig):
    name = "bianmin.hospital"
    label = "hospital"
    verbose_name = "医院便民服务"
