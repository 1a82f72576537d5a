from django.db import migrations


def add_group(apps, schema_editor):
    apps.get_model("trainees", "TeacherGroup").objects.get_or_create(code="development_school")


def remove_group(apps, schema_editor):
    apps.get_model("trainees", "TeacherGroup").objects.filter(code="development_school").delete()


class Migration(migrations.Migration):
    dependencies = [("trainees", "0003_alter_teachergroup_code")]

    operations = [migrations.RunPython(add_group, remove_group)]
