from django.contrib import admin

from bianmin.core.admin import ReadOnlyAdminMixin
from bianmin.notifications.models import Message
from bianmin.sweep.models import SweepRun
from bianmin.workdays.models import CalendarYear


def test_service_written_records_are_read_only_in_the_admin(rf):
    request = rf.get("/admin/")
    for model in (Message, SweepRun, CalendarYear):
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, ReadOnlyAdminMixin)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
