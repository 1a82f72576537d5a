"""Pages of the credits app."""

import json

from django.shortcuts import render
from django.utils.translation import gettext as _

from core.errors import DomainError

from .calculator import payload_from_forms, progress_sections
from .forms import CalculatorForm, CalculatorRecordFormSet
from .selectors import published_policies
from .services import simulate_credits

EXAMPLE_ROW = {
    "tier": "region",
    "mode": "centralized",
    "category": "compulsory_public",
    "hours": 40,
    "leave_hours": 0,
    "grade": "excellent",
    "role": "trainee",
    "date": "2025-03-01",
    "approved": True,
}


def calculator(request):
    """Let anyone try the credit rules: records in, credits and progress out (学分计算器)."""
    policies = list(published_policies())
    result = sections = None
    if request.method == "POST":
        form = CalculatorForm(request.POST, policies=policies)
        formset = CalculatorRecordFormSet(request.POST, prefix="records")
        if form.is_valid() and formset.is_valid():
            payload = payload_from_forms(
                form.cleaned_data, [row for row in formset.cleaned_data if row]
            )
            try:
                result = simulate_credits(policy_code=form.cleaned_data["policy"], payload=payload)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                policy = next(p for p in policies if p.code == form.cleaned_data["policy"])
                sections = progress_sections(result, policy)
    else:
        form = CalculatorForm(initial={"policy": "xinjiang-2024"}, policies=policies)
        formset = CalculatorRecordFormSet(prefix="records", initial=[EXAMPLE_ROW])
    return render(
        request,
        "credits/calculator.html",
        {
            "form": form,
            "formset": formset,
            "result": result,
            "sections": sections,
            "result_json": json.dumps(result, ensure_ascii=False, indent=2) if result else "",
            "title": _("学分计算器"),
        },
    )
