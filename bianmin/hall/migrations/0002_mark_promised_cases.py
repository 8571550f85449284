"""Mark the cases given a 预约办结 (``Case.completion_promised``, decision 0038): one UPDATE over the appointments
(an appointment is never deleted)."""
from django.db import migrations


def mark(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CompletionAppointment = apps.get_model("hall", "CompletionAppointment")
    Case.objects.filter(pk__in=CompletionAppointment.objects.values("case_id")).update(completion_promised=True)


def unmark(apps, schema_editor):
    apps.get_model("cases", "Case").objects.filter(completion_promised=True).update(completion_promised=False)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0025_case_page_marks"),
        ("hall", "0001_initial"),
    ]

    operations = [migrations.RunPython(mark, unmark)]
