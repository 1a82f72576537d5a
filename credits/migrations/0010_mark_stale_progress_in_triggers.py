"""PostgreSQL triggers that mark a teacher's progress stale whenever its inputs change.

Statement-level triggers with transition tables: one INSERT into credits_staleprogress per
statement, however many rows it touched (an Excel import of 10,000 records adds its teachers in
one go). They fire for every writer — forms, imports, the API, bulk updates, raw SQL — which is
why this lives in the database and not in Python signals (bulk_create and QuerySet.update send
none). SQLite (the demo) has no triggers: there the audit recomputes every teacher every night.
"""

from django.db import migrations

STALE = "credits_staleprogress"

# (table, event, the teacher ids of the changed rows). Transition tables: new_rows / old_rows.
MARKS = [
    # The ledger is what progress sums (003 §4; credits/progress_sql.py).
    ("credits_creditledgerentry", "INSERT", "SELECT teacher_id FROM new_rows"),
    (
        "credits_creditledgerentry",
        "UPDATE",
        "SELECT teacher_id FROM new_rows UNION SELECT teacher_id FROM old_rows",
    ),
    ("credits_creditledgerentry", "DELETE", "SELECT teacher_id FROM old_rows"),
    # Training records are what the anomaly checks read.
    ("projects_trainingrecord", "INSERT", "SELECT teacher_id FROM new_rows"),
    (
        "projects_trainingrecord",
        "UPDATE",
        "SELECT teacher_id FROM new_rows UNION SELECT teacher_id FROM old_rows",
    ),
    ("projects_trainingrecord", "DELETE", "SELECT teacher_id FROM old_rows"),
    # A new teacher; a teacher whose hire date (new-teacher rule, years owed), school (county,
    # development school) or active flag changed. Other edits (a phone number) change nothing.
    ("trainees_teacher", "INSERT", "SELECT id FROM new_rows"),
    (
        "trainees_teacher",
        "UPDATE",
        "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "WHERE (n.hired_on, n.school_id, n.is_active) "
        "IS DISTINCT FROM (o.hired_on, o.school_id, o.is_active)",
    ),
    # Groups decide which requirement rows apply (004 §2, 005 exemptions).
    ("trainees_teacher_group_tags", "INSERT", "SELECT teacher_id FROM new_rows"),
    ("trainees_teacher_group_tags", "DELETE", "SELECT teacher_id FROM old_rows"),
    # A development school's teachers follow its own rows (005 §3).
    (
        "institutions_school",
        "UPDATE",
        "SELECT t.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "JOIN trainees_teacher t ON t.school_id = n.id "
        "WHERE (n.is_teacher_development_school, n.county_id) "
        "IS DISTINCT FROM (o.is_teacher_development_school, o.county_id)",
    ),
    # The anomaly checks compare records with the project's title, dates and mode.
    (
        "projects_trainingproject",
        "UPDATE",
        "SELECT r.teacher_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "JOIN projects_trainingrecord r ON r.project_id = n.id "
        "WHERE (n.name, n.starts_on, n.ends_on, n.mode) "
        "IS DISTINCT FROM (o.name, o.starts_on, o.ends_on, o.mode)",
    ),
]


def _name(table: str, event: str) -> str:
    return f"stale_progress_{table}_{event.lower()}"


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, event, teachers in MARKS:
        name = _name(table, event)
        referencing = {
            "INSERT": "NEW TABLE AS new_rows",
            "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
            "DELETE": "OLD TABLE AS old_rows",
        }[event]
        schema_editor.execute(f"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- No check that the teacher exists: it made PostgreSQL scan the teacher table
                -- per statement, and a mark of a deleted teacher is harmless (purged nightly).
                INSERT INTO {STALE} (teacher_id, marked_at)
                SELECT DISTINCT x.id, now()
                FROM ({teachers}) AS x(id)
                WHERE x.id IS NOT NULL;
                RETURN NULL;
            END $$""")
        schema_editor.execute(f"""
            CREATE TRIGGER {name} AFTER {event} ON {table}
            REFERENCING {referencing}
            FOR EACH STATEMENT EXECUTE FUNCTION {name}()""")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, event, _teachers in MARKS:
        name = _name(table, event)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def mark_everyone(apps, schema_editor):
    """Existing teachers start stale: the first audit after this migration sees them all."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"INSERT INTO {STALE} (teacher_id, marked_at) SELECT id, now() FROM trainees_teacher"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0009_stale_progress"),
        ("institutions", "0002_add_api_clients"),
        ("projects", "0001_initial"),
        ("trainees", "0004_add_development_school_group"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(mark_everyone, migrations.RunPython.noop),
    ]
