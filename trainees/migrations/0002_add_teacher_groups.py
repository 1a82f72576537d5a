from django.db import migrations

# POLICIES §6 group words, plus `backbone` and `principal_certified` (POLICIES §7.11).
GROUP_CODES = [
    "new_teacher",
    "class_teacher",
    "kindergarten",
    "it_key_target",
    "principal",
    "backbone_principal",
    "middle_manager",
    "young_backbone",
    "famous_teacher",
    "weak_subject",
    "backbone",
    "principal_certified",
]


def add_groups(apps, schema_editor):
    TeacherGroup = apps.get_model("trainees", "TeacherGroup")
    for code in GROUP_CODES:
        TeacherGroup.objects.get_or_create(code=code)


def remove_groups(apps, schema_editor):
    apps.get_model("trainees", "TeacherGroup").objects.filter(code__in=GROUP_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("trainees", "0001_initial")]

    operations = [migrations.RunPython(add_groups, remove_groups)]
