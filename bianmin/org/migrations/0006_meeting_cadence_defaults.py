"""One 会议制度 row per unit kind with the defaults (decision 0014), so the administrator sees and edits them."""
from django.db import migrations

# Frozen copy of org.models.DEFAULT_CADENCES at the time of this migration.
DEFAULTS = {
    "COUNTY_CENTER": ("MONTHLY", ""),
    "TOWN_CENTER": ("MONTHLY", "WEEKLY"),  # 乡级中心建立工作周例会制度
    "VILLAGE_STATION": ("MONTHLY", ""),
    "DEPARTMENT": ("MONTHLY", ""),
    "INSTITUTION_DESK": ("MONTHLY", ""),
}


def add_defaults(apps, schema_editor):
    cadence = apps.get_model("org", "MeetingCadence")
    for kind, (joint, regular) in DEFAULTS.items():
        cadence.objects.get_or_create(unit_kind=kind, defaults={"joint_cadence": joint, "regular_cadence": regular})


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0005_unit_chief_responsible_meetingcadence"),
    ]

    operations = [
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
    ]
