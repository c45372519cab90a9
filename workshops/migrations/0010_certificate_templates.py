"""Certificate templates (an edition's or a county's logo and signature images), and what
an issued certificate keeps of them: the stored names of its images and the sessions its
holder attended, fixed at issue like the rest of it.

The database triggers of 0003 are widened to the three new columns. On SQLite, adding them
rebuilds the certificate table, which drops its triggers: they are created again at the
end (and, going back, at the start, once the columns are gone again).
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
import workshops.models
from django.conf import settings
from django.db import migrations, models


ISSUED_BEFORE = ("attendee_id", "cycle_id", "number", "verification_code", "issued_on", "issued_by")
ISSUED = (*ISSUED_BEFORE, "logo", "signature", "sessions_attended")
SYNTHETIC = (
    "SELECT 1 FROM workshops_workshopcycle AS c JOIN programmes_programme AS p "
    "ON p.id = c.programme_id WHERE c.id = OLD.cycle_id AND p.is_synthetic"
)


def _postgresql(columns):
    return [
        f"""
        CREATE OR REPLACE FUNCTION workshops_certificate_refuse_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF ({", ".join(f"NEW.{c}" for c in columns)})
               IS DISTINCT FROM ({", ".join(f"OLD.{c}" for c in columns)}) THEN
                RAISE EXCEPTION USING
                    ERRCODE = 'integrity_constraint_violation',
                    MESSAGE = 'certificate ' || OLD.number || ' has been issued: its holder, '
                        || 'cycle, number, code, date, signatory, images and sessions '
                        || 'cannot change';
            END IF;
            IF OLD.revoked_at IS NOT NULL AND (NEW.revoked_at, NEW.revocation_reason)
               IS DISTINCT FROM (OLD.revoked_at, OLD.revocation_reason) THEN
                RAISE EXCEPTION USING
                    ERRCODE = 'integrity_constraint_violation',
                    MESSAGE = 'certificate ' || OLD.number || ' has been revoked; '
                        || 'a revocation cannot be undone or changed';
            END IF;
            RETURN NEW;
        END;
        $$
        """
    ]


def _sqlite(columns):
    return [
        "DROP TRIGGER IF EXISTS workshops_certificate_refuse_change",
        "DROP TRIGGER IF EXISTS workshops_certificate_refuse_unrevoke",
        "DROP TRIGGER IF EXISTS workshops_certificate_refuse_delete",
        f"""
        CREATE TRIGGER workshops_certificate_refuse_change
        BEFORE UPDATE ON workshops_certificate FOR EACH ROW
        WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)}
        BEGIN
            SELECT RAISE(ABORT, 'an issued certificate cannot change: its holder, cycle, number, code, date, signatory, images and sessions are fixed');
        END
        """,
        """
        CREATE TRIGGER workshops_certificate_refuse_unrevoke
        BEFORE UPDATE ON workshops_certificate FOR EACH ROW
        WHEN OLD.revoked_at IS NOT NULL AND (NEW.revoked_at IS NOT OLD.revoked_at
            OR NEW.revocation_reason IS NOT OLD.revocation_reason)
        BEGIN
            SELECT RAISE(ABORT, 'a revoked certificate stays revoked: its revocation cannot be undone or changed');
        END
        """,
        f"""
        CREATE TRIGGER workshops_certificate_refuse_delete
        BEFORE DELETE ON workshops_certificate FOR EACH ROW
        WHEN NOT EXISTS ({SYNTHETIC})
        BEGIN
            SELECT RAISE(ABORT, 'an issued certificate cannot be deleted: revoke it instead');
        END
        """,
    ]


def _guards(columns):
    """Install the triggers for ``columns`` (idempotent: replaces what is there)."""

    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
        if statements is None:
            raise NotImplementedError(
                f"The certificate triggers are written for PostgreSQL and SQLite, not {vendor}."
            )
        for statement in statements(columns):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0007_agreement_cycle_moved_to_workshops'),
        ('workshops', '0009_session_dated_window_closed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Going back, this runs last: the columns are gone, the 0003 triggers return.
        migrations.RunPython(migrations.RunPython.noop, _guards(ISSUED_BEFORE)),
        migrations.AddField(
            model_name='certificate',
            name='logo',
            field=models.CharField(blank=True, editable=False, max_length=255, verbose_name="issuer's logo"),
        ),
        migrations.AddField(
            model_name='certificate',
            name='sessions_attended',
            field=models.JSONField(blank=True, default=list, editable=False, verbose_name='sessions attended'),
        ),
        migrations.AddField(
            model_name='certificate',
            name='signature',
            field=models.CharField(blank=True, editable=False, max_length=255, verbose_name='signature image'),
        ),
        migrations.AddField(
            model_name='historicalcertificate',
            name='logo',
            field=models.CharField(blank=True, editable=False, max_length=255, verbose_name="issuer's logo"),
        ),
        migrations.AddField(
            model_name='historicalcertificate',
            name='sessions_attended',
            field=models.JSONField(blank=True, default=list, editable=False, verbose_name='sessions attended'),
        ),
        migrations.AddField(
            model_name='historicalcertificate',
            name='signature',
            field=models.CharField(blank=True, editable=False, max_length=255, verbose_name='signature image'),
        ),
        migrations.CreateModel(
            name='HistoricalCertificateTemplate',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='updated at')),
                ('logo', models.TextField(blank=True, help_text='PNG or JPEG; printed at the top of the certificate.', max_length=255, verbose_name="issuer's logo")),
                ('signature', models.TextField(blank=True, help_text='PNG or JPEG, preferably on a white or transparent background; printed above the signature line.', max_length=255, verbose_name='signature image')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('county', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.county', verbose_name='county')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('programme', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme', verbose_name='programme edition')),
            ],
            options={
                'verbose_name': 'historical certificate template',
                'verbose_name_plural': 'historical certificate templates',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='CertificateTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='updated at')),
                ('logo', models.FileField(blank=True, help_text='PNG or JPEG; printed at the top of the certificate.', max_length=255, upload_to=workshops.models.certificate_image_path, verbose_name="issuer's logo")),
                ('signature', models.FileField(blank=True, help_text='PNG or JPEG, preferably on a white or transparent background; printed above the signature line.', max_length=255, upload_to=workshops.models.certificate_image_path, verbose_name='signature image')),
                ('county', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='certificate_templates', to='programmes.county', verbose_name='county')),
                ('programme', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='certificate_templates', to='programmes.programme', verbose_name='programme edition')),
            ],
            options={
                'verbose_name': 'certificate template',
                'verbose_name_plural': 'certificate templates',
                'ordering': [models.OrderBy(models.F('county__code'), nulls_first=True), 'programme__name'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('county__isnull', False), ('programme__isnull', True)), models.Q(('county__isnull', True), ('programme__isnull', False)), _connector='OR'), name='certificate_template_edition_or_county', violation_error_message='A template is for a programme edition or for a county: choose one.'), models.UniqueConstraint(fields=('programme',), name='certificate_template_one_per_edition'), models.UniqueConstraint(fields=('county',), name='certificate_template_one_per_county')],
            },
        ),
        migrations.RunPython(_guards(ISSUED), _guards(ISSUED_BEFORE)),
    ]
