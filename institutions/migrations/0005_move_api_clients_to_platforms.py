# The API clients' models moved to the platforms app (platforms 0001): dropped from this
# app's state only; their tables are renamed by platforms 0002.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("institutions", "0004_add_api_client_national_id_access"),
        ("platforms", "0001_move_api_clients_from_institutions"),
        ("trainees", "0007_point_disclosures_at_platforms"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ApiCallLog"),
                migrations.DeleteModel(name="ExternalRecordKey"),
                migrations.DeleteModel(name="IdempotencyKey"),
                migrations.DeleteModel(name="HistoricalApiClient"),
                migrations.DeleteModel(name="ApiClient"),
            ],
        ),
    ]
