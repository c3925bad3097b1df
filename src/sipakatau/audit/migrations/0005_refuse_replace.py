"""Refuse an INSERT OR REPLACE of an audit event on SQLite on every connection.

Migration 0002's delete trigger sees the row a REPLACE removes only when the connection
turns recursive triggers on, as the app's connections do (settings); the ``sqlite3``
shell or another program does not, and could rewrite an event in place. A trigger before
the insert refuses any event whose id or sequence number is already taken, whatever the
connection's settings. (PostgreSQL's ON CONFLICT DO UPDATE fires 0002's update trigger.)
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_auditevent
       WHEN EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id OR seq = NEW.seq)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_event_no_replace;"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_seal_existing_rows")]

    operations = [migrations.RunPython(_run(SQLITE), _run(SQLITE_REVERSE))]
