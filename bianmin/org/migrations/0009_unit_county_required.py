"""The county of a unit is required (filled by 0008)."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0008_unit_county"),
    ]

    operations = [
        migrations.AlterField(
            model_name="unit",
            name="county",
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="org.region", verbose_name="所属县（市、区）"),
        ),
    ]
