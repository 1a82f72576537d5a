# The API clients moved to the platforms app: the disclosure log's reference follows them (the
# table is the same; state only).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("trainees", "0006_add_national_id_disclosures"),
        ("platforms", "0001_move_api_clients_from_institutions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="nationaliddisclosure",
                    name="api_client",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="platforms.apiclient",
                        verbose_name="接口客户端",
                    ),
                ),
            ],
        ),
    ]
