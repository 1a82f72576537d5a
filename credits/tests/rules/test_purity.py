"""The rule engine stays pure: no Django, no policy numbers outside preset data."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import credits.rules
from credits.rules import ERROR_CODES, Category, Grade, Mode, Role, Tier, errors

RULES = Path(credits.rules.__file__).parent
REPO = RULES.parent.parent


def test_importing_the_rules_loads_no_django():
    """credits.rules imports only the standard library (STYLE §4)."""
    code = (
        "import sys; import credits.rules; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('django', 'rest_framework', 'celery', 'config', 'institutions')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_rule_modules_hold_no_policy_number_literals():
    """A literal Decimal("4") in rules code is a bug: figures live in presets (STYLE §4)."""
    pattern = re.compile(r"Decimal\(\s*\"?(?!0\"?\))[0-9.]+")
    for path in RULES.glob("*.py"):
        if path.name == "presets.py":
            continue
        assert not pattern.search(path.read_text(encoding="utf-8")), path.name


def test_every_error_code_is_documented_for_the_django_side():
    """Each code appears, with its params, in the errors module docstring."""
    for code in ERROR_CODES:
        assert f"``{code}``" in errors.__doc__


def test_vocabulary_matches_the_simulator_contract():
    """Enum values are the simulator words exactly (POLICIES §6)."""
    assert [t.value for t in Tier] == ["national", "region", "prefecture", "county", "school"]
    assert [m.value for m in Mode] == ["centralized", "online", "school_based"]
    assert [g.value for g in Grade] == ["fail", "pass", "good", "excellent"]
    assert [r.value for r in Role] == ["trainee", "lead_instructor"]
    assert {c.value for c in Category} >= {
        "compulsory_public",
        "compulsory_professional",
        "elective",
        "school_based",
        "induction",
        "class_teacher",
    }
    assert len(Category) == 19
