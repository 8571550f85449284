"""The staff session table, which names each session's signed-in user (decision 0039). The unexpired sessions of
Django's table move over with their user, so nobody signed in is signed out by the upgrade; Django's table is left
empty (``clearsessions`` now clears the new one)."""
from django.db import migrations, models

_BATCH = 2000


def _user_of(store, data):
    try:
        return int(store.decode(data)["_auth_user_id"])  # django.contrib.auth.SESSION_KEY
    except (KeyError, TypeError, ValueError):
        return None


def move_sessions(apps, schema_editor):
    from django.contrib.sessions.backends.db import SessionStore  # its salt: the store class's name
    from django.utils import timezone

    old, new = apps.get_model("sessions", "Session"), apps.get_model("accounts", "StaffSession")
    store, db = SessionStore(), schema_editor.connection.alias
    rows = old.objects.using(db).filter(expire_date__gt=timezone.now()).order_by("session_key")
    batch = []
    for row in rows.iterator(chunk_size=_BATCH):
        batch.append(new(session_key=row.session_key, session_data=row.session_data, expire_date=row.expire_date,
                         user_id=_user_of(store, row.session_data)))
        if len(batch) == _BATCH:
            new.objects.using(db).bulk_create(batch)
            batch = []
    new.objects.using(db).bulk_create(batch)
    old.objects.using(db).all().delete()  # no session data left behind in a table nothing clears any more


def move_sessions_back(apps, schema_editor):
    old, new = apps.get_model("sessions", "Session"), apps.get_model("accounts", "StaffSession")
    db = schema_editor.connection.alias
    batch = []
    for row in new.objects.using(db).order_by("session_key").iterator(chunk_size=_BATCH):
        batch.append(old(session_key=row.session_key, session_data=row.session_data, expire_date=row.expire_date))
        if len(batch) == _BATCH:
            old.objects.using(db).bulk_create(batch, ignore_conflicts=True)
            batch = []
    old.objects.using(db).bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_address_throttle_reset_request'),
        ('sessions', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='StaffSession',
            fields=[
                ('session_key', models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name='session key')),
                ('session_data', models.TextField(verbose_name='session data')),
                ('expire_date', models.DateTimeField(db_index=True, verbose_name='expire date')),
                ('user_id', models.BigIntegerField(blank=True, editable=False, null=True)),
            ],
            options={
                'verbose_name': 'session',
                'verbose_name_plural': 'sessions',
                'abstract': False,
            },
        ),
        migrations.RunPython(move_sessions, move_sessions_back),
    ]
