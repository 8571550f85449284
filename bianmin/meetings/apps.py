from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "bianmin.meetings"
    label = "meetings"
    verbose_name = "联席会议"
