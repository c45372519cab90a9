"""Django's ``flush``, able to empty a SQLite database that holds certificates.

``flush`` empties every table at once; Django's test framework runs it after each
transactional test (``transactional_db``, ``live_server``). On PostgreSQL it TRUNCATEs all
tables in one statement, which fires no row trigger. On SQLite it runs ``DELETE FROM`` table
by table, so the trigger that refuses deleting a certificate (migration 0003) would refuse
the flush. That trigger cannot tell a flush from a deletion by the state of other tables:
Django lists the tables from a ``set``, so their order changes from one process to the next
(the attendees' table is as often emptied after the certificates' as before).

So on SQLite this command lifts that one trigger inside the flush's own transaction and
creates it again, from its stored SQL, before the transaction commits: no other connection
ever sees the database without it, and a failed flush rolls the whole change back.
"""

from __future__ import annotations

from django.core.management.commands import flush
from django.db import connections, transaction

DELETE_GUARD = "workshops_certificate_refuse_delete"


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        connection = connections[database]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                    [DELETE_GUARD],
                )
                row = cursor.fetchone()
                if row:
                    cursor.execute(f"DROP TRIGGER {DELETE_GUARD}")
            super().handle(**options)
            if row:
                with connection.cursor() as cursor:
                    cursor.execute(row[0])
