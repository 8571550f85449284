"""A fee's receipt number is unique within the case's county instead of across the database (decision 0044): each
county's finance bureau issues its own receipts. The rows already there satisfy the narrower rule."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0026_name_chars_index'),
        ('catalog', '0006_limitunit_hours'),
        ('org', '0009_unit_county_required'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='feepayment',
            name='receipt_number',
            field=models.CharField(max_length=40, verbose_name='票据号'),
        ),
        migrations.AddConstraint(
            model_name='feepayment',
            constraint=models.UniqueConstraint(fields=('county', 'receipt_number'), name='fee_receipt_in_county_uniq'),
        ),
    ]
