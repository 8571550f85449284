from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "bianmin.notifications"
    label = "notifications"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from bianmin.accounts.sessions import ride_with_session

        from .selectors import UNREAD_FIGURE, unread_of

        ride_with_session(UNREAD_FIGURE, unread_of)  # the badge on every staff page, read with the session
