from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_backfill_issue10")]

    operations = [
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'RECEIVED'), _negated=True), ('intake_deadline__isnull', False), _connector='OR'), name='case_received_has_intake_deadline'),
        ),
    ]
