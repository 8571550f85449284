"""Each deadline says on its own whether it was counted over a provisional year (issue 12 item 8).

Until now one flag covered both dates. Existing cases keep the old answer on both dates (a flag set on a date that
was in fact final is cleared when the year's notice is entered and the deadlines are recomputed).
"""
from django.db import migrations, models


def copy_flag(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(deadline_provisional=True).update(legal_deadline_provisional=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_search_last4")]

    operations = [
        migrations.AlterField(model_name="case", name="deadline_provisional",
                              field=models.BooleanField(default=False, verbose_name="承诺办结日期按暂定日历计算")),
        migrations.AddField(model_name="case", name="legal_deadline_provisional",
                            field=models.BooleanField(default=False, verbose_name="法定办结日期按暂定日历计算")),
        migrations.RunPython(copy_flag, migrations.RunPython.noop),
    ]
