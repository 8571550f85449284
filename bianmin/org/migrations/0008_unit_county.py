"""Each unit stores its county (the distribution key of its cases, docs/scaling.md): added empty, filled by one
UPDATE from the region tree (the nearest county region above the unit's region, else the top of its tree);
required by 0009 (on PostgreSQL a table with pending deferred foreign-key checks cannot be altered in the same
transaction)."""
import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE org_unit SET county_id = c.id
  FROM org_region r, org_region c
 WHERE r.id = org_unit.region_id AND c.level = 'COUNTY' AND r.path LIKE c.path || '%'
"""
# A tree without a county level (never in the seeds; possible in hand-made data): the top region.
FILL_TOP = """
UPDATE org_unit SET county_id = c.id
  FROM org_region r, org_region c
 WHERE org_unit.county_id IS NULL AND r.id = org_unit.region_id AND c.parent_id IS NULL
   AND r.path LIKE c.path || '%'
"""


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0007_unit_sector_hospital_dept"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="county",
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.region",
                                    verbose_name="所属县（市、区）"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(FILL_TOP, migrations.RunSQL.noop),
    ]
