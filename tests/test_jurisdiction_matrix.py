"""Every role × every scoped model: exactly the rows of its own unit, none of another's."""

import pytest

from institutions.choices import Role
from institutions.models import AdministrativeUnit, School, TrainingInstitution
from projects.models import TrainingProject, TrainingRecord
from trainees.models import Teacher

T, SA, CO, PO, RO, IS = (
    Role.TEACHER,
    Role.SCHOOL_ADMIN,
    Role.COUNTY_OFFICER,
    Role.PREFECTURE_OFFICER,
    Role.REGION_OFFICER,
    Role.INSTITUTION_STAFF,
)

# (model, role) → names of the `world` rows the role may view; every other row must be absent.
VISIBLE = {
    AdministrativeUnit: {
        T: set(),
        SA: set(),
        CO: {"C1"},
        PO: {"P1", "C1", "C2"},
        RO: {"R", "P1", "P2", "C1", "C2", "C3"},
        IS: set(),
    },
    School: {
        T: {"S1"},
        SA: {"S1"},
        CO: {"S1"},
        PO: {"S1", "S2"},
        RO: {"S1", "S2", "S3"},
        IS: set(),
    },
    TrainingInstitution: {
        T: {"I1"},
        SA: {"I1"},
        CO: {"I1"},
        PO: {"I1"},
        RO: {"I1", "I2"},
        IS: {"I1"},
    },
    Teacher: {
        T: {"T1"},
        SA: {"T1", "T2"},
        CO: {"T1", "T2"},
        PO: {"T1", "T2"},
        RO: {"T1", "T2", "T3"},
        IS: {"T1", "T2", "T3"},
    },
    TrainingProject: {
        T: {"proj1", "projR", "projN"},
        SA: {"proj1", "projR", "projN"},
        CO: {"proj1", "projR", "projN"},
        PO: {"proj1", "projR", "projN"},
        RO: {"proj1", "proj3", "projR", "projS3", "projN"},
        IS: {"proj1"},
    },
    TrainingRecord: {
        T: {"rec1", "rec4"},
        SA: {"rec1", "rec2", "rec4"},
        CO: {"rec1", "rec2", "rec4"},
        PO: {"rec1", "rec2", "rec4"},
        RO: {"rec1", "rec2", "rec3", "rec4", "rec5"},
        IS: {"rec1", "rec2", "rec5"},
    },
}

CASES = [(model, role) for model, by_role in VISIBLE.items() for role in by_role]


def _names(world, model):
    return {name for name, obj in vars(world).items() if isinstance(obj, model)}


def _visible(world, queryset):
    pks = set(queryset.values_list("pk", flat=True))
    return {
        name
        for name, obj in vars(world).items()
        if getattr(obj, "pk", None) in pks and isinstance(obj, queryset.model)
    }


@pytest.mark.parametrize(("model", "role"), CASES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_role_sees_exactly_its_jurisdiction(world, model, role):
    """A role sees the rows of its own unit and none of any other unit (STYLE §7)."""
    # when
    visible = _visible(world, model.objects.restrict(world.users[role], "view"))
    # then
    assert visible == VISIBLE[model][role]
    assert not visible & (_names(world, model) - VISIBLE[model][role])


@pytest.mark.parametrize("model", list(VISIBLE), ids=lambda m: m.__name__)
def test_superuser_sees_all_and_roleless_account_sees_none(world, model):
    """Superusers are unrestricted; an account without a role sees nothing."""
    assert model.objects.restrict(world.superuser).count() == model.objects.count()
    assert model.objects.restrict(world.nobody).count() == 0


def test_anonymous_user_sees_nothing(world):
    """Anonymous visitors get no rows at all."""
    from django.contrib.auth.models import AnonymousUser

    assert Teacher.objects.restrict(AnonymousUser()).count() == 0


@pytest.mark.parametrize(
    ("role", "model", "action", "expected"),
    [
        # Projects issued above a user are readable, never changeable, below (shared_down).
        (CO, TrainingProject, "change", {"proj1"}),
        (PO, TrainingProject, "change", {"proj1"}),
        (SA, TrainingProject, "change", set()),
        (CO, TrainingProject, "review", {"proj1"}),
        # Only officers approve records, each within their own unit.
        (CO, TrainingRecord, "approve", {"rec1", "rec2", "rec4"}),
        (SA, TrainingRecord, "approve", set()),
        (T, TrainingRecord, "change", set()),
        (SA, TrainingRecord, "declare", {"rec1", "rec2", "rec4"}),
        (IS, TrainingRecord, "grade", {"rec1", "rec2", "rec5"}),
        (IS, TrainingRecord, "change", set()),
        (T, Teacher, "change", set()),
        (SA, Teacher, "change", {"T1", "T2"}),
    ],
)
def test_actions_other_than_view_are_scoped_and_need_the_permission(
    world, role, model, action, expected
):
    """Changing, reviewing, approving and declaring need both the permission and the unit."""
    assert _visible(world, model.objects.restrict(world.users[role], action)) == expected


def test_teacher_moved_to_another_county_leaves_the_old_county(world):
    """Scope follows the teacher's current school: after a move the old county loses them."""
    # given
    county_officer = world.users[CO]
    assert Teacher.objects.restrict(county_officer).filter(pk=world.T2.pk).exists()
    # when
    world.T2.school = world.S3
    world.T2.save()
    # then
    assert not Teacher.objects.restrict(county_officer).filter(pk=world.T2.pk).exists()
