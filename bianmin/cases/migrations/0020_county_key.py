"""The distribution key (docs/scaling.md, "Citus"): every row of a case carries the county of its receiving unit.

Added empty and filled with one UPDATE per table — the case from its unit (``org.Unit.county``), each child from its
case, a 补正 notice's lines from the notice — and required by 0021 (a separate migration: on PostgreSQL a table whose
deferred foreign-key checks are pending in a transaction cannot be altered in it)."""
import django.db.models.deletion
from django.db import migrations, models

CHILDREN = ("casematerial", "caseevent", "notice", "casepause", "extension", "transfer", "returnrequest",
            "feepayment", "casefile", "comment", "refusedsupplement")


def county_field():
    return models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                             related_name="+", to="org.region", verbose_name="县（市、区）")


FILL = [
    "UPDATE cases_case SET county_id = u.county_id FROM org_unit u WHERE u.id = cases_case.unit_id",
    *(f"UPDATE cases_{t} SET county_id = c.county_id FROM cases_case c WHERE c.id = cases_{t}.case_id"
      for t in CHILDREN),
    "UPDATE cases_supplementline SET county_id = n.county_id FROM cases_notice n"
    " WHERE n.id = cases_supplementline.notice_id",
]


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0019_committed_due_at"),
        ("org", "0009_unit_county_required"),
    ]

    operations = [
        *(migrations.AddField(model_name=model, name="county", field=county_field())
          for model in ("case", *CHILDREN, "supplementline")),
        *(migrations.RunSQL(sql, migrations.RunSQL.noop) for sql in FILL),
    ]
