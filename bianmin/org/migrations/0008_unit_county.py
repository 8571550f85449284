"""Each unit stores its county (the distribution key of its cases, docs/scaling.md): added empty, filled by one
UPDATE from the region tree (the nearest county region above the unit's region, else the top of its tree);
required by 0009 (on PostgreSQL a table with pending deferred foreign-key checks cannot be altered in the same
transaction).

Stops (the whole migration rolled back) when a unit and the unit above it fall in different counties: staff see the
cases of their own county only, so the upper unit's staff would lose sight of the lower unit's cases. The message
names each such unit; the tree is put into one county with the release before this migration (or by giving the
lower unit no upper unit), and the migration is run again."""
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F

SHOWN = 20  # units named in the message; the count says how many there are

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


class UnitTreeSpansCounties(Exception):
    """A unit lies in another county than the unit above it: migrating would hide its cases from the upper unit."""


def check_one_county_per_tree(apps, schema_editor):
    """Raise UnitTreeSpansCounties naming every unit whose county differs from its upper unit's (the rule
    ``org.services.check_unit_county`` keeps from now on)."""
    Unit = apps.get_model("org", "Unit")
    split = (Unit.objects.filter(parent__isnull=False).exclude(county_id=F("parent__county_id"))
             .order_by("path", "pk").values_list("code", "name", "county__name", "parent__code", "parent__name",
                                                 "parent__county__name"))
    rows = list(split[:SHOWN + 1])
    if not rows:
        return
    count = split.count() if len(rows) > SHOWN else len(rows)
    lines = [f"  {code} {name}（{county or '无'}）的上级单位 {up_code} {up_name}（{up_county or '无'}）"
             for code, name, county, up_code, up_name, up_county in rows[:SHOWN]]
    more = [f"  ……另有 {count - SHOWN} 个"] if count > SHOWN else []
    raise UnitTreeSpansCounties("\n".join([
        f"org.0008 已停止，未做任何更改：有 {count} 个单位与其上级单位不在同一县（市、区）。办件按县存放，"
        "工作人员只看本县办件，迁移后上级单位将看不到这些单位的办件：", *lines, *more,
        "请先用本次升级前的版本调整这些单位（改所在区划，使其与上级单位在同一县；或不再设上级单位），"
        "再运行 migrate。"]))


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
        migrations.RunPython(check_one_county_per_tree, migrations.RunPython.noop),
    ]
