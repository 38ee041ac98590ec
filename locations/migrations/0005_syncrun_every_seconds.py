from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("locations", "0004_held_revisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="syncrun",
            name="every_seconds",
            field=models.FloatField(
                blank=True,
                help_text="The --every interval of the sync_route loop that made this run, in seconds; blank for a single sync. The night page's heartbeat reads it.",
                null=True,
            ),
        ),
    ]
