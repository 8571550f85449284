"""Mark the cases that came through 全程代理 (``Case.via_relay``, decision 0038): one UPDATE over the relays that
opened a case (a relay's case is set once, when the deciding organ receives it)."""
from django.db import migrations


def mark(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    RelayRequest = apps.get_model("relay", "RelayRequest")
    Case.objects.filter(pk__in=RelayRequest.objects.filter(case__isnull=False).values("case_id")).update(via_relay=True)


def unmark(apps, schema_editor):
    apps.get_model("cases", "Case").objects.filter(via_relay=True).update(via_relay=False)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0025_case_page_marks"),
        ("relay", "0003_deliver_due"),
    ]

    operations = [migrations.RunPython(mark, unmark)]
