"""Database triggers that keep a published charter version and its commitments as
they were published, even against bulk queries and raw SQL.

Refused in the database itself, on SQLite and PostgreSQL:
- any UPDATE of a published version's number, title, preamble, publisher or decision,
  or unpublishing it (its publication date stays writable, for imports and the demo);
- any INSERT or UPDATE of a commitment of a published version.
On PostgreSQL only, the DELETE of a published version or of one of its commitments
(Django's test flush uses TRUNCATE there, which row triggers do not see; on SQLite the
flush deletes rows, so only the admin and the services guard deletions).

On SQLite, a later migration that alters these tables rebuilds them and loses the
triggers: such a migration must create them again (test_immutability.py would fail).
"""

from django.db import migrations

MESSAGE = "charter versions are immutable once published; draft a new version"

# `{differs}` is IS DISTINCT FROM on PostgreSQL, IS NOT on SQLite (same meaning, and
# older SQLite releases lack the former).
VERSION_CHANGED = """
    OLD.published_at IS NOT NULL AND (
        NEW.published_at IS NULL
        OR NEW.number {differs} OLD.number
        OR NEW.title {differs} OLD.title
        OR NEW.preamble {differs} OLD.preamble
        OR NEW.published_by_id {differs} OLD.published_by_id
        OR NEW.adopted_through {differs} OLD.adopted_through
    )
"""

PG_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION charter_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = '{MESSAGE}: ' || TG_OP || ' on ' || TG_TABLE_NAME || ' refused',
            ERRCODE = 'integrity_constraint_violation';
    END
    $$;
    """,
    f"""
    CREATE TRIGGER charter_version_frozen
    BEFORE UPDATE ON charter_charterversion
    FOR EACH ROW WHEN ({VERSION_CHANGED.format(differs="IS DISTINCT FROM")})
    EXECUTE FUNCTION charter_refuse_change();
    """,
    """
    CREATE TRIGGER charter_version_kept
    BEFORE DELETE ON charter_charterversion
    FOR EACH ROW WHEN (OLD.published_at IS NOT NULL)
    EXECUTE FUNCTION charter_refuse_change();
    """,
    """
    CREATE OR REPLACE FUNCTION charter_commitment_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' AND EXISTS (
            SELECT 1 FROM charter_charterversion
            WHERE id = OLD.version_id AND published_at IS NOT NULL
        ) THEN
            PERFORM charter_refuse_commitment(TG_OP);
        END IF;
        IF TG_OP <> 'DELETE' AND EXISTS (
            SELECT 1 FROM charter_charterversion
            WHERE id = NEW.version_id AND published_at IS NOT NULL
        ) THEN
            PERFORM charter_refuse_commitment(TG_OP);
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END
    $$;
    """,
    f"""
    CREATE OR REPLACE FUNCTION charter_refuse_commitment(op text) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = '{MESSAGE}: ' || op || ' on charter_commitment refused',
            ERRCODE = 'integrity_constraint_violation';
    END
    $$;
    """,
    """
    CREATE TRIGGER charter_commitment_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON charter_commitment
    FOR EACH ROW EXECUTE FUNCTION charter_commitment_guard();
    """,
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS charter_commitment_frozen ON charter_commitment;",
    "DROP FUNCTION IF EXISTS charter_commitment_guard();",
    "DROP FUNCTION IF EXISTS charter_refuse_commitment(text);",
    "DROP TRIGGER IF EXISTS charter_version_kept ON charter_charterversion;",
    "DROP TRIGGER IF EXISTS charter_version_frozen ON charter_charterversion;",
    "DROP FUNCTION IF EXISTS charter_refuse_change();",
]

_PUBLISHED = "(SELECT published_at FROM charter_charterversion WHERE id = {row}.version_id)"
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER charter_version_frozen BEFORE UPDATE ON charter_charterversion
    WHEN {VERSION_CHANGED.format(differs="IS NOT")}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE on charter_charterversion refused'); END;
    """,
    f"""
    CREATE TRIGGER charter_commitment_frozen_insert BEFORE INSERT ON charter_commitment
    WHEN {_PUBLISHED.format(row="NEW")} IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: INSERT on charter_commitment refused'); END;
    """,
    f"""
    CREATE TRIGGER charter_commitment_frozen_update BEFORE UPDATE ON charter_commitment
    WHEN {_PUBLISHED.format(row="OLD")} IS NOT NULL OR {_PUBLISHED.format(row="NEW")} IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE on charter_commitment refused'); END;
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS charter_commitment_frozen_update;",
    "DROP TRIGGER IF EXISTS charter_commitment_frozen_insert;",
    "DROP TRIGGER IF EXISTS charter_version_frozen;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("charter", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
