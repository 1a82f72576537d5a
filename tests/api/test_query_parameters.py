"""List parameters are checked by kind and documented as checked (core/api_queries.py):
ids are 64-bit integers, booleans true/false, text short, each given once, empty = not given."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ("teacher=1.5", "teacher", "参数“teacher”应为整数（最多 19 位）。"),
        ("teacher=abc", "teacher", "参数“teacher”应为整数（最多 19 位）。"),
        ("teacher=99999999999999999999", "teacher", "参数“teacher”应为整数（最多 19 位）。"),
        ("school=-146675556705583071232", "school", "参数“school”应为整数（最多 19 位）。"),
        ("teacher=1&teacher=2", "teacher", "参数“teacher”只能出现一次。"),
        ("page_size=abc", "page_size", "参数“page_size”应为整数（最多 19 位）。"),
        ("q=" + "张" * 65, "q", "参数“q”过长：最多 64 个字符。"),
        ("cursor=" + "c" * 513, "cursor", "参数“cursor”过长：最多 512 个字符。"),
        ("ordering=a%00b", "ordering", "参数“ordering”不能含有空字符（NUL）。"),
    ],
)
def test_a_parameter_outside_its_kind_is_a_400_naming_it(api, query, name, message):
    """Before, these fell back to defaults or reached the database (a 30-digit id: a 500)."""
    response = api.county.get(f"/api/v1/records/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"] == {name: [message]}


@pytest.mark.parametrize(
    "query",
    ["teacher=", "teacher=-5", "teacher=9223372036854775807", "page_size=", "page_size=5000"],
)
def test_empty_and_in_range_values_are_taken(api, query):
    assert api.county.get(f"/api/v1/records/?{query}").status_code == 200


@pytest.mark.parametrize(("value", "status"), [("null", 400), ("true", 200), ("", 200)])
def test_a_boolean_is_true_or_false(credited, value, status):
    response = credited.county.get(f"/api/v1/year-progress/?is_complete={value}")
    assert response.status_code == status


@pytest.mark.parametrize(
    "path",
    ["/api/v1/records/99999999999999999999/", "/api/v1/teachers/99999999999999999999/progress/"],
)
def test_an_id_beyond_64_bits_is_a_json_404(api, path):
    """Found by schemathesis: a 25-digit teacher id broke the progress query (a 500)."""
    response = api.county.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_json_nested_too_deep_is_a_400(api):
    response = api.county.post(
        "/api/v1/records/bulk/", "[" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_form_body_is_refused_with_415(api):
    response = api.county.post("/api/v1/records/bulk/", {"records": "x"})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


# -- the schema says the same -----------------------------------------------------------------
@pytest.fixture
def schema(client):
    return client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def parameters(schema, path):
    return {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}


def test_the_schema_documents_the_checks(schema):
    records = parameters(schema, "/api/v1/records/")
    empty = {"type": "string", "enum": [""]}
    assert records["teacher"] == {
        "anyOf": [
            {
                "type": "integer",
                "format": "int64",
                "minimum": -(2**63),
                "maximum": 2**63 - 1,
            },
            empty,
        ]
    }
    assert records["updated_since"] == {"anyOf": [{"type": "string", "format": "date-time"}, empty]}
    assert records["status"]["enum"] == ["approved", "declared", "draft", "rejected", ""]
    assert records["q"] == {"type": "string", "maxLength": 64, "pattern": "^[^\\x00]*$"}
    assert records["cursor"]["maxLength"] == 512
    progress = parameters(schema, "/api/v1/year-progress/")
    assert progress["is_complete"] == {"anyOf": [{"type": "boolean"}, empty]}


def test_the_schema_says_a_grade_may_be_blank(schema):
    """A draft record has no grade yet: "grade": "" was outside the schema's four words."""
    grade = schema["components"]["schemas"]["TrainingRecord"]["properties"]["grade"]
    assert grade["oneOf"] == [
        {"$ref": "#/components/schemas/GradeEnum"},
        {"$ref": "#/components/schemas/BlankEnum"},
    ]
    assert schema["components"]["schemas"]["BlankEnum"]["enum"] == [""]


def test_the_schema_documents_limits_and_every_error(schema):
    push = schema["paths"]["/api/v1/records/bulk/"]["post"]
    records = schema["components"]["schemas"]["BulkPushRequest"]["properties"]["records"]
    assert (records["minItems"], records["maxItems"]) == (1, 1000)
    assert {"400", "401", "403", "404", "409", "413", "429", "500", "503"} <= set(push["responses"])
    assert list(push["requestBody"]["content"]) == ["application/json"]
    key = next(p for p in push["parameters"] if p["name"] == "Idempotency-Key")
    assert key["schema"] == {"type": "string", "maxLength": 255}
    item = schema["components"]["schemas"]["BulkRecordItem"]["properties"]
    assert {name: spec.get("maxLength") for name, spec in item.items()} == {
        "external_id": 64,
        "id_number": 32,
        "name": 50,
        "project_code": 32,
        "hours": None,
        "leave_hours": None,
        "grade": 16,
        "role": 16,
        "completed_on": 32,
    }
