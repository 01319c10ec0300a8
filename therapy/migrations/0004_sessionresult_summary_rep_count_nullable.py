# The engine's typed result: ``angles_summary`` becomes ``summary`` (it has always held the
# engine's summary, never per-angle figures), and ``rep_count`` is null when not measured.

from django.db import migrations, models


def rep_count_null_when_not_measured(apps, schema_editor):
    """Rows stored 0 for a count the engine did not give (an untrusted clip, a balance hold)."""
    SessionResult = apps.get_model("therapy", "SessionResult")
    stale = []
    for result in SessionResult.objects.filter(rep_count=0).only("pk", "reps", "balance"):
        reps = result.reps if isinstance(result.reps, dict) else {}
        if result.balance is not None or reps.get("count") is None:
            result.rep_count = None
            stale.append(result)
    SessionResult.objects.bulk_update(stale, ["rep_count"], batch_size=500)


def rep_count_zero_when_not_measured(apps, schema_editor):
    SessionResult = apps.get_model("therapy", "SessionResult")
    SessionResult.objects.filter(rep_count=None).update(rep_count=0)


class Migration(migrations.Migration):
    dependencies = [
        ("therapy", "0003_audit_event_session_queued_at"),
    ]

    operations = [
        migrations.RenameField(
            model_name="sessionresult",
            old_name="angles_summary",
            new_name="summary",
        ),
        migrations.AlterField(
            model_name="sessionresult",
            name="summary",
            field=models.JSONField(
                default=dict,
                help_text="The engine's summary: the measure, whether it is trusted, and the "
                "protocol's figures (peak_angle, range_of_motion, score, hold_seconds...).",
            ),
        ),
        migrations.AlterField(
            model_name="sessionresult",
            name="rep_count",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                help_text="Repetitions counted; null when not measured: the clip could not be "
                "trusted, or the exercise has no repetitions (a balance hold). Never 0 for "
                "unknown.",
            ),
        ),
        migrations.RunPython(rep_count_null_when_not_measured, rep_count_zero_when_not_measured),
    ]
