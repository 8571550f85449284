"""Fill the new clock fields of existing cases, so the constraint of 0013 holds and recomputation counts from the
right day.

- intake_started_at: the last resubmission, else the receipt.
- intake_deadline of applications waiting for review without one (resubmitted before this release): 5 working
  days after the resubmission, as the law reads.
- clock_start_date: the acceptance day, or the receipt day recorded on a late acceptance.
- reported / case_class: cases of 上报件 items that were accepted.
"""
import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

TZ = ZoneInfo(settings.TIME_ZONE)


def forwards(apps, schema_editor):
    from bianmin.workdays.selectors import build_calendar

    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    resubmitted = dict(CaseEvent.objects.filter(action="RESUBMIT").order_by("case_id", "at")
                       .values_list("case_id", "at"))
    late = {}
    for case_id, data in CaseEvent.objects.filter(action="ACCEPT").values_list("case_id", "data"):
        if isinstance(data, dict) and data.get("counted_from_receipt"):
            late[case_id] = dt.date.fromisoformat(data["counted_from_receipt"])
    calendar = None
    batch = []
    for case in Case.objects.only("id", "received_at", "accepted_at", "status", "intake_deadline").iterator():
        case.intake_started_at = resubmitted.get(case.id, case.received_at)
        if case.accepted_at is not None:
            case.clock_start_date = late.get(case.id) or case.accepted_at.astimezone(TZ).date()
        if case.status == "RECEIVED" and case.intake_deadline is None:
            calendar = calendar or build_calendar(None)
            case.intake_deadline = calendar.add_workdays(case.intake_started_at.astimezone(TZ).date(), 5).date
        batch.append(case)
        if len(batch) >= 2000:
            Case.objects.bulk_update(batch, ["intake_started_at", "clock_start_date", "intake_deadline"])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["intake_started_at", "clock_start_date", "intake_deadline"])
    reported = Case.objects.filter(item_version__default_class="REPORTED", accepted_at__isnull=False)
    reported.update(reported=True)
    reported.exclude(case_class__in=["RETURNED", "IMMEDIATE"]).update(case_class="REPORTED")


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_issue10_rules"), ("workdays", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
