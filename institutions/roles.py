"""Roles as Django groups with model permissions; `restrict()` scopes what each may touch.

A role's permissions say WHAT kind of rows an account may view or change; the jurisdiction
scope (institutions.jurisdiction) says WHICH rows. The map is declarative and the groups are
rebuilt after every migrate, so adding a permission here is the whole change.
"""

from django.db import DEFAULT_DB_ALIAS

from .choices import Role

_VIEW_UNITS = ["institutions.view_administrativeunit", "institutions.view_school"]
_VIEW_INSTITUTIONS = ["institutions.view_traininginstitution"]
_OFFICER = [
    *_VIEW_UNITS,
    *_VIEW_INSTITUTIONS,
    "institutions.add_school",
    "institutions.change_school",
    "institutions.add_traininginstitution",
    "institutions.change_traininginstitution",
    "trainees.view_teacher",
    "trainees.change_teacher",
    "trainees.view_national_id",
    "trainees.view_progress_teacher",
    # 学年学分证明: an officer who may change the teacher issues it on the teacher's behalf.
    "trainees.issue_proof_teacher",
    "projects.view_trainingproject",
    "projects.add_trainingproject",
    "projects.change_trainingproject",
    "projects.review_trainingproject",
    "projects.view_trainingrecord",
    "projects.approve_trainingrecord",
    "credits.view_policy",
    "credits.view_creditledgerentry",
    "credits.view_cycleprogress",
    "credits.view_schoolyearprogress",
    "credits.view_countysummary",
    "credits.view_progresssummary",
    "credits.view_auditanomaly",
    "credits.change_auditanomaly",
    "certificates.view_certificate",
    # 发证机关印章: a county bureau uploads its own (the scope keeps each to its unit)
    "certificates.view_bureauseal",
    "certificates.add_bureauseal",
    "certificates.change_bureauseal",
    # API clients of the officer's unit and below (a county system, a province platform)
    "platforms.view_apiclient",
    "platforms.add_apiclient",
    "platforms.change_apiclient",
    "platforms.view_apicalllog",
    # Accounts of the officer's unit and below: see them, lift their login locks, and see
    # who lifted which (institutions.lockouts)
    "institutions.view_user",
    "institutions.unlock_user",
    "institutions.view_loginunlock",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.TEACHER: [
        "institutions.view_school",
        *_VIEW_INSTITUTIONS,
        "trainees.view_teacher",
        "trainees.view_progress_teacher",
        "trainees.issue_proof_teacher",  # for themself: the scope is their own row
        "projects.view_trainingproject",
        "projects.view_trainingrecord",
        "credits.view_creditledgerentry",
        "credits.view_cycleprogress",
        "credits.view_schoolyearprogress",
        "certificates.view_certificate",
    ],
    Role.SCHOOL_ADMIN: [
        "institutions.view_school",
        "institutions.view_user",  # the school's accounts, to link a teacher to theirs
        *_VIEW_INSTITUTIONS,
        "trainees.view_teacher",
        "trainees.add_teacher",
        "trainees.change_teacher",
        "trainees.view_national_id",
        "trainees.view_progress_teacher",
        "projects.view_trainingproject",
        "projects.add_trainingproject",
        "projects.change_trainingproject",
        "projects.view_trainingrecord",
        "projects.add_trainingrecord",
        "projects.change_trainingrecord",
        "projects.delete_trainingrecord",
        "projects.declare_trainingrecord",
        "credits.view_creditledgerentry",
        "credits.view_cycleprogress",
        "credits.view_schoolyearprogress",
        "credits.view_progresssummary",  # their school's rows only (the county's are not)
        "certificates.view_certificate",
    ],
    Role.COUNTY_OFFICER: _OFFICER,
    Role.PREFECTURE_OFFICER: _OFFICER,
    Role.REGION_OFFICER: [
        *_OFFICER,
        "credits.add_policy",
        "credits.change_policy",
        # Who saw whose whole ID number (PIPL): read one level above the officers who reveal
        # numbers most, so county and prefecture officers do not audit themselves.
        "trainees.view_nationaliddisclosure",
    ],
    Role.INSTITUTION_STAFF: [
        "institutions.view_traininginstitution",
        "trainees.view_teacher",
        "projects.view_trainingproject",
        "projects.view_trainingrecord",
        "projects.grade_trainingrecord",
    ],
}


def group_name(role: str) -> str:
    """Return the name of the Django group that carries `role`'s permissions."""
    return f"role:{role}"


def sync_role_groups(sender=None, using=DEFAULT_DB_ALIAS, apps=None, **kwargs):
    """Create or update one group per role with exactly the permissions of ROLE_PERMISSIONS."""
    from django.contrib.auth.models import Group, Permission

    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {}
    for perm in Permission.objects.using(using).select_related("content_type"):
        name = f"{perm.content_type.app_label}.{perm.codename}"
        if name in wanted:
            by_name[name] = perm
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=group_name(role))
        group.permissions.set([by_name[p] for p in perms if p in by_name])
