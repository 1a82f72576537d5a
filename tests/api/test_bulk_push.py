"""POST /records/bulk/ writes all items or none, idempotently, inside the jurisdiction."""

import pytest
from rest_framework.test import APIClient

from institutions.choices import Role
from platforms.models import ExternalRecordKey
from projects.choices import RecordStatus
from projects.models import TrainingRecord

pytestmark = pytest.mark.django_db
URL = "/api/v1/records/bulk/"


def item(external_id, teacher, project, **values):
    return {
        "external_id": external_id,
        "id_number": teacher.id_number,
        "name": teacher.name,
        "project_code": project.code,
        "hours": 40,
        "grade": "pass",
        "completed_on": "2025-03-05",
        **values,
    }


def three_new(w):
    return [
        item("ext-1", w.T2, w.projR),
        item("ext-2", w.T2, w.projN, hours="32.5", grade="良好"),
        item("ext-3", w.T1, w.projN, leave_hours=4),
    ]


def test_new_records_are_created_as_drafts_with_their_external_ids(api):
    # given
    w = api.world
    before = TrainingRecord.objects.count()
    # when
    response = api.county.post(URL, {"records": three_new(w)}, format="json")
    # then
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["created"], data["updated"], data["unchanged"]) == (3, 0, 0)
    assert TrainingRecord.objects.count() == before + 3
    records = {i["external_id"]: TrainingRecord.objects.get(pk=i["record"]) for i in data["items"]}
    assert [i["action"] for i in data["items"]] == ["created"] * 3
    assert {r.status for r in records.values()} == {RecordStatus.DRAFT}
    assert (records["ext-2"].hours, records["ext-2"].grade) == (32.5, "good")
    assert records["ext-3"].leave_hours == 4
    assert records["ext-1"].history.latest().history_user == api.county_client.user
    keys = ExternalRecordKey.objects.filter(client=api.county_client)
    assert {(k.external_id, k.record_id) for k in keys} == {(e, r.pk) for e, r in records.items()}


def test_a_resend_changes_nothing(api):
    """The same push twice: the second reports every item unchanged, with the same ids."""
    first = api.county.post(URL, {"records": three_new(api.world)}, format="json").json()
    count = TrainingRecord.objects.count()
    history = TrainingRecord.history.count()
    second = api.county.post(URL, {"records": three_new(api.world)}, format="json").json()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 3)
    assert [i["record"] for i in second["items"]] == [i["record"] for i in first["items"]]
    assert (TrainingRecord.objects.count(), TrainingRecord.history.count()) == (count, history)


def test_a_changed_draft_is_updated(api):
    """rec1 (T1 at proj1) is a draft of 40 hours; pushing 32 hours updates it."""
    w = api.world
    response = api.county.post(
        URL, {"records": [item("ext-9", w.T1, w.proj1, hours=32)]}, format="json"
    )
    assert response.json()["items"][0] == {
        "index": 0,
        "external_id": "ext-9",
        "record": w.rec1.pk,
        "action": "updated",
    }
    w.rec1.refresh_from_db()
    assert w.rec1.hours == 32


def test_idempotency_key_replays_the_stored_answer(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "batch-2025-03-05"}
    first = api.county.post(URL, {"records": three_new(api.world)}, format="json", **headers)
    count = TrainingRecord.objects.count()
    again = api.county.post(URL, {"records": three_new(api.world)}, format="json", **headers)
    assert again.status_code == 200
    assert again.json() == first.json()  # "created": 3 again: the stored answer, replayed
    assert again["Idempotent-Replayed"] == "true"
    assert TrainingRecord.objects.count() == count


def test_idempotency_key_with_another_body_is_409(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "batch-1"}
    api.county.post(URL, {"records": three_new(api.world)[:1]}, format="json", **headers)
    response = api.county.post(URL, {"records": three_new(api.world)}, format="json", **headers)
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert "幂等键“batch-1”在 24 小时内已用于内容不同的请求" in response.json()["message"]


def test_invalid_items_write_nothing_and_come_back_with_the_excel_messages(api):
    """Items pointing at county C3's teacher or project, or with bad hours, are item errors
    with the import's own messages; the valid item is not written either."""
    # given
    w = api.world
    records = [
        item("ok", w.T2, w.projR),
        item("other-teacher", w.T3, w.projR),
        item("other-project", w.T2, w.proj3),
        item("bad-hours", w.T2, w.projN, hours="四十"),
    ]
    before = TrainingRecord.objects.count()
    # when
    response = api.county.post(URL, {"records": records}, format="json")
    # then
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid_items"
    assert data["message"].startswith("共 3 条记录有误，本次没有写入任何记录。")
    assert data["errors"] == [
        {
            "index": 1,
            "external_id": "other-teacher",
            "field": "id_number",
            "message": f"身份证号码 {w.T3.id_number} 不是您学校的在册教师（系统中没有该教师，"
            "或其不在您管理的学校）。请核对号码，或先登记该教师的信息。",
        },
        {
            "index": 2,
            "external_id": "other-project",
            "field": "project_code",
            "message": f"项目编号“{w.proj3.code}”不存在，或不是您可以登记的项目。"
            "请核对编号（可在培训项目列表中查看）。",
        },
        {
            "index": 3,
            "external_id": "bad-hours",
            "field": "hours",
            "message": "“参训学时”应填写数字，填写的是“四十”。",
        },
    ]
    assert TrainingRecord.objects.count() == before
    assert not ExternalRecordKey.objects.exists()


def test_a_missing_column_has_the_excel_message(api):
    w = api.world
    record = item("no-name", w.T2, w.projR)
    del record["name"]
    data = api.county.post(URL, {"records": [record]}, format="json").json()
    assert data["errors"] == [
        {"index": 0, "external_id": "no-name", "field": "name", "message": "“姓名”不能为空。"}
    ]


def test_duplicate_and_moved_external_ids_are_item_errors(api):
    w = api.world
    api.county.post(URL, {"records": [item("ext-1", w.T2, w.projR)]}, format="json")
    records = [item("ext-1", w.T2, w.projN), item("ext-2", w.T1, w.projN)]
    records.append(item("ext-2", w.T1, w.projR))
    data = api.county.post(URL, {"records": records}, format="json").json()
    assert [(e["index"], e["field"]) for e in data["errors"]] == [
        (0, "external_id"),
        (2, "external_id"),
    ]
    assert "已用于另一条培训记录" in data["errors"][0]["message"]
    assert "与第 2 行重复" in data["errors"][1]["message"]


def test_region_client_pushes_for_any_county(api):
    w = api.world
    response = api.region.post(URL, {"records": [item("r-1", w.T3, w.projR)]}, format="json")
    assert response.json()["created"] == 1


def test_read_only_client_is_refused_with_403(api):
    response = api.readonly.post(URL, {"records": three_new(api.world)}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "code": "read_only_client",
        "message": "该接口客户端为只读，不能提交或修改数据。如需推送数据，请联系教育局改为读写权限。",
    }
    assert not TrainingRecord.objects.filter(project=api.world.projN).exists()


@pytest.mark.parametrize(
    ("role", "code"),
    [(Role.COUNTY_OFFICER, "permission_denied"), (Role.SCHOOL_ADMIN, "push_needs_client")],
)
def test_browser_users_are_refused_with_403(api, role, code):
    """Browser users import Excel files; the bulk push is for platforms."""
    client = APIClient()
    client.force_login(api.world.users[role])
    response = client.post(URL, {"records": three_new(api.world)}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == code


def test_anonymous_is_401(api):
    assert api.anonymous.post(URL, {"records": []}, format="json").status_code == 401


@pytest.mark.parametrize("count", [0, 1001])
def test_between_1_and_1000_items(api, count):
    records = [item(f"e{i}", api.world.T2, api.world.projR) for i in range(count)]
    response = api.county.post(URL, {"records": records}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("hours", [1e30, "1" * 30])
def test_absurd_hours_are_an_item_error_not_a_crash(api, hours):
    """Found by schemathesis: 27+ digit hours broke the parser's rounding (a 500)."""
    w = api.world
    response = api.county.post(
        URL, {"records": [item("big", w.T2, w.projR, hours=hours)]}, format="json"
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["message"]) == (
        "hours",
        f"“参训学时”的数值 {hours} 过大，请核对。",
    )


def test_a_lower_case_project_code_finds_the_project(api):
    """Platforms send codes as their users typed them: "t000123" is project T000123 (#15)."""
    w = api.world
    response = api.county.post(
        URL,
        {"records": [item("ext-lc", w.T2, w.projR, project_code=w.projR.code.lower())]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    record = TrainingRecord.objects.get(pk=response.json()["items"][0]["record"])
    assert record.project == w.projR
