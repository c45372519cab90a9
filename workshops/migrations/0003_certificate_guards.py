"""Database triggers that keep an issued certificate as it was issued.

The model refuses these writes too (``Certificate.save``/``delete``, the queryset's
``delete``); the triggers also stop the writes that bypass it: ``QuerySet.update``, raw SQL.

* BEFORE UPDATE: the holder, cycle, number, verification code, date of issue and signatory
  never change; a recorded revocation (time and reason) is never cleared or changed.
* BEFORE DELETE: a certificate is never deleted — withdrawing one is revoking it. The one
  exception is a certificate of a synthetic programme edition (``generate_synthetic_data``
  removes its own generated rows; they are no one's documents).

Emptying the whole database is not deleting a certificate: PostgreSQL's ``flush``
TRUNCATEs (row triggers do not fire); on SQLite the project's ``flush`` command
(workshops/management/commands/flush.py) lifts the delete trigger for its own transaction.

On SQLite, a later migration that makes Django rebuild the certificate table (SQLite cannot
alter most columns in place) drops these triggers with the old table: such a migration must
create them again (tests/test_certificate_records.py fails until it does).
"""

from django.db import migrations

ISSUED = ("attendee_id", "cycle_id", "number", "verification_code", "issued_on", "issued_by")
SYNTHETIC = (
    "SELECT 1 FROM workshops_workshopcycle AS c JOIN programmes_programme AS p "
    "ON p.id = c.programme_id WHERE c.id = OLD.cycle_id AND p.is_synthetic"
)

POSTGRESQL = [
    f"""
    CREATE FUNCTION workshops_certificate_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF ({", ".join(f"NEW.{c}" for c in ISSUED)})
           IS DISTINCT FROM ({", ".join(f"OLD.{c}" for c in ISSUED)}) THEN
            RAISE EXCEPTION USING
                ERRCODE = 'integrity_constraint_violation',
                MESSAGE = 'certificate ' || OLD.number || ' has been issued: its holder, '
                    || 'cycle, number, code, date and signatory cannot change';
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
    """,
    """
    CREATE TRIGGER workshops_certificate_refuse_change
    BEFORE UPDATE ON workshops_certificate
    FOR EACH ROW EXECUTE FUNCTION workshops_certificate_refuse_change()
    """,
    f"""
    CREATE FUNCTION workshops_certificate_refuse_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS ({SYNTHETIC}) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION USING
            ERRCODE = 'restrict_violation',
            MESSAGE = 'certificate ' || OLD.number || ' cannot be deleted: revoke it instead';
    END;
    $$
    """,
    """
    CREATE TRIGGER workshops_certificate_refuse_delete
    BEFORE DELETE ON workshops_certificate
    FOR EACH ROW EXECUTE FUNCTION workshops_certificate_refuse_delete()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER workshops_certificate_refuse_delete ON workshops_certificate",
    "DROP FUNCTION workshops_certificate_refuse_delete()",
    "DROP TRIGGER workshops_certificate_refuse_change ON workshops_certificate",
    "DROP FUNCTION workshops_certificate_refuse_change()",
]

# SQLite: RAISE(ABORT, ...) fails the statement as a constraint violation (IntegrityError);
# its message must be one string literal.
SQLITE = [
    f"""
    CREATE TRIGGER workshops_certificate_refuse_change
    BEFORE UPDATE ON workshops_certificate FOR EACH ROW
    WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in ISSUED)}
    BEGIN
        SELECT RAISE(ABORT, 'an issued certificate cannot change: its holder, cycle, number, code, date and signatory are fixed');
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
SQLITE_REVERSE = [
    "DROP TRIGGER workshops_certificate_refuse_delete",
    "DROP TRIGGER workshops_certificate_refuse_unrevoke",
    "DROP TRIGGER workshops_certificate_refuse_change",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise NotImplementedError(
                f"The certificate triggers are written for PostgreSQL and SQLite, not {vendor}."
            )
        for statement in statements_by_vendor[vendor]:
            # No parameters: the SQL is passed on as it is (no "%" placeholders).
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0005_programme_is_synthetic"),
        ("workshops", "0002_audit_history"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
