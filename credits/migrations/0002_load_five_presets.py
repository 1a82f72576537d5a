"""Load the five regional presets as active version 1 of each policy.

The presets are read from a frozen JSON snapshot (credits/presets/presets-v1.json), not from
the live preset module, so this migration gives the same data forever; a changed preset
becomes a new policy version through its own migration.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

from credits.policy_mapping import fields_from_spec_dict

SNAPSHOT = Path(__file__).resolve().parent.parent / "presets" / "presets-v1.json"


def load_presets(apps, schema_editor):
    Policy = apps.get_model("credits", "Policy")
    PolicyRequirement = apps.get_model("credits", "PolicyRequirement")
    PolicyBonusRate = apps.get_model("credits", "PolicyBonusRate")
    for entry in json.loads(SNAPSHOT.read_text(encoding="utf-8")):
        fields, rows, rates = fields_from_spec_dict(entry["spec"])
        if Policy.objects.filter(code=fields["code"], version=fields["version"]).exists():
            continue
        policy = Policy.objects.create(
            **fields,
            applies_to_code=entry["applies_to_code"],
            status="active",
            published_at=timezone.now(),
        )
        PolicyRequirement.objects.bulk_create(
            PolicyRequirement(policy=policy, **row) for row in rows
        )
        PolicyBonusRate.objects.bulk_create(PolicyBonusRate(policy=policy, **rate) for rate in rates)


def unload_presets(apps, schema_editor):
    Policy = apps.get_model("credits", "Policy")
    codes = [entry["spec"]["code"] for entry in json.loads(SNAPSHOT.read_text(encoding="utf-8"))]
    Policy.objects.filter(code__in=codes, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("credits", "0001_add_policies")]

    operations = [migrations.RunPython(load_presets, unload_presets)]
