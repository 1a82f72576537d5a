"""The Django choices and the rule engine's enums are the same vocabulary, word for word."""

import pytest

from credits import choices as credit_choices
from credits import rules
from credits.rules.types import ROUNDING_MODES, Proration, Scope, Unit, YearWindow
from projects import choices as project_choices
from trainees.choices import GroupCode


@pytest.mark.parametrize(
    ("django_choices", "rule_enum"),
    [
        (project_choices.Tier, rules.Tier),
        (project_choices.Mode, rules.Mode),
        (project_choices.Category, rules.Category),
        (project_choices.Grade, rules.Grade),
        (project_choices.RecordRole, rules.Role),
        (project_choices.ProjectKind, rules.RecordKind),
        (GroupCode, rules.TeacherGroup),
        (credit_choices.PolicyUnit, Unit),
        (credit_choices.RequirementScope, Scope),
        (credit_choices.YearWindow, YearWindow),
        (credit_choices.Proration, Proration),
    ],
    ids=lambda c: c.__name__,
)
def test_choice_values_equal_rule_words(django_choices, rule_enum):
    """A word stored by the portal is a word the rule engine reads, and the reverse."""
    assert set(django_choices.values) == {member.value for member in rule_enum}


def test_rounding_modes_are_the_engines():
    """Every rounding a policy may store is one the engine accepts."""
    assert set(credit_choices.Rounding.values) == set(ROUNDING_MODES)
