"""The county is required on every row of a case (filled by 0020), and the sweep's indexes lead with it: the sweep
works one county at a time (``sweep.services``), as a Citus deployment would, reading only the rows about to change
in that county."""
import django.db.models.deletion
from django.db import migrations, models

TABLES = ("case", "casematerial", "caseevent", "notice", "supplementline", "casepause", "extension", "transfer",
          "returnrequest", "feepayment", "casefile", "comment", "refusedsupplement")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0020_county_key"),
    ]

    operations = [
        *(migrations.AlterField(
            model_name=model, name="county",
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="org.region", verbose_name="县（市、区）"))
          for model in TABLES),
        migrations.RemoveIndex(
            model_name='case',
            name='case_intake_timer_idx',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_sweep_yellow_idx',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_sweep_red_idx',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_sweep_late_idx',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_sweep_unstamped_idx',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_sweep_start_idx',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_sweep_result_idx',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_sweep_deferred_idx',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_sweep_red_hours_idx',
        ),
        migrations.RemoveIndex(
            model_name='refusedsupplement',
            name='refused_unflagged_idx',
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['county', 'status', 'intake_deadline'], name='case_intake_timer_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('status__in', ['ACCEPTED', 'IN_PROGRESS']), ('warning_level', '')), fields=['county', 'yellow_on'], name='case_sweep_yellow_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('status__in', ['ACCEPTED', 'IN_PROGRESS']), ('warning_level__in', ['', 'YELLOW'])), fields=['county', 'committed_deadline'], name='case_sweep_red_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('committed_due_at__isnull', False), ('status__in', ['ACCEPTED', 'IN_PROGRESS']), ('warning_level__in', ['', 'YELLOW'])), fields=['county', 'committed_due_at'], name='case_sweep_red_hours_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('warning_level', 'LATE')), fields=['county', 'id'], name='case_sweep_late_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('committed_deadline__isnull', False), ('status__in', ['ACCEPTED', 'IN_PROGRESS']), ('yellow_on__isnull', True)), fields=['county', 'id'], name='case_sweep_unstamped_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('start_due_on__isnull', False), ('status', 'ACCEPTED')), fields=['county', 'start_due_on'], name='case_sweep_start_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('result_due_on__isnull', False), ('status', 'DECIDED')), fields=['county', 'result_due_on'], name='case_sweep_result_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('deferred_due_date__isnull', False), ('deferred_materials', True), ('deferred_overdue', False), ('deferred_supplied_at__isnull', True)), fields=['county', 'deferred_due_date'], name='case_sweep_deferred_idx'),
        ),
        migrations.AddIndex(
            model_name='refusedsupplement',
            index=models.Index(condition=models.Q(('flagged', False)), fields=['county', 'id'], name='refused_unflagged_idx'),
        ),
    ]
