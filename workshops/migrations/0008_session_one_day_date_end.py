"""Data migration: a session dated to one day with no "date (to)" was held on that day.

Sessions are one-day events; a stored start with no end and day precision meant "that
day" when entered (the admin's inline took an empty end as such), but pages read it as
"from that day" and the reports counted it in no year. Only such rows change: sessions
whose date is unknown (both empty) or given to a month or a year are left as recorded.
"""

from django.db import migrations
from django.db.models import F


def fill_one_day_end(apps, schema_editor):
    Session = apps.get_model("workshops", "Session")
    Session.objects.filter(
        date_start__isnull=False, date_end__isnull=True, date_precision="day"
    ).update(date_end=F("date_start"))


class Migration(migrations.Migration):
    dependencies = [("workshops", "0007_attendee_email_consent_certificate_mailing")]

    operations = [migrations.RunPython(fill_one_day_end, migrations.RunPython.noop)]
