"""Worked examples of the Xinjiang preset, end to end through the simulator (004)."""

from __future__ import annotations

from credits.rules import get_preset, simulate, spec_from_dict, spec_to_dict

CONTRACT_PAYLOAD = {
    "teacher": {"hired_on": "2024-09-01", "groups": ["class_teacher"]},
    "records": [
        {
            "id": "r1",
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
    ],
}


def record(rid: str, **fields: object) -> dict[str, object]:
    base = {
        "id": rid,
        "tier": "county",
        "mode": "centralized",
        "category": "compulsory_professional",
        "hours": 40,
        "grade": "pass",
        "date": "2025-03-01",
        "approved": True,
    }
    return {**base, **fields}


def test_region_excellent_forty_hours_earns_ten_plus_fifteen_percent():
    """40 h 集中 ÷ 4 = 10; 自治区级优秀 +15% = 1.5; 11.5 (004 五(二)1-2)."""
    out = simulate("xinjiang-2024", CONTRACT_PAYLOAD)
    row = out["records"][0]
    assert (row["base"], row["bonus"], row["total"]) == (10.0, 1.5, 11.5)
    assert row["school_year"] == "2024-2025"
    assert row["explanation"] == (
        "40 学时 − 0 请假 = 40 学时 ÷ 4 = 10.00 学分；自治区级 优秀 +15% = 1.50；合计 11.50 学分"
    )
    assert out["policy"] == {
        "code": "xinjiang-2024",
        "version": 1,
        "name": get_preset("xinjiang-2024").name,
        "unit": "credits",
    }


def test_teacher_completing_90_through_the_compulsory_offset():
    """80 compulsory (20 public) + 0 elective + 10 school-based: the surplus 20 fills
    elective 10 and school-based 10 (004 五(一) 必修课程学分超出的，可折抵)."""
    records = [
        record("pub", category="compulsory_public", hours=80),  # 20 credits
        record("pro", hours=240),  # 60 credits
        record("sch", mode="school_based", category="school_based", hours=50),  # 10 credits
    ]
    out = simulate("xinjiang-2024", {"teacher": {"hired_on": "2015-09-01"}, "records": records})
    cycle = out["cycle"]
    assert cycle["earned"]["total"] == 90.0
    assert cycle["counted"]["elective"] == 10.0
    assert cycle["counted"]["school_based"] == 20.0
    assert cycle["offset"] == {"elective": 10.0, "school_based": 10.0}
    assert cycle["shortfall"] == dict.fromkeys(cycle["required"], 0.0)
    assert cycle["complete"] is True


def test_lead_instructor_at_prefecture_tier_doubles_base():
    """主讲教师 承担地（州、市）级…奖励100%学分 (004 五(二)2): 20 h online ÷ 5 = 4 + 4."""
    payload = {
        "records": [
            record(
                "lead",
                tier="prefecture",
                mode="online",
                hours=20,
                role="lead_instructor",
                grade=None,
            )
        ]
    }
    row = simulate("xinjiang-2024", payload)["records"][0]
    assert (row["base"], row["bonus"], row["total"]) == (4.0, 4.0, 8.0)
    assert "主讲教师 地州市级 +100% = 4.00" in row["explanation"]


def test_preset_survives_a_json_round_trip():
    """The Django Policy model stores the spec as JSON and rebuilds it exactly."""
    spec = get_preset("xinjiang-2024")
    assert spec_from_dict(spec_to_dict(spec)) == spec
