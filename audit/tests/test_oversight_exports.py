"""Every oversight list exports to .xlsx with exactly its page's rows, scoped and attributed."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from audit.county import audit_county
from credits.models import AnomalyKind, AuditAnomaly
from credits.oversight import overview_of
from institutions.choices import Role
from trainees.choices import DisclosureChannel
from trainees.models import NationalIdDisclosure

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 6, 30)


@pytest.fixture
def audited(world):
    for county in (world.C1, world.C2, world.C3):
        audit_county(county_id=county.pk, as_of=AS_OF, issue=False)
    return world


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[4]
    body = [row for row in rows[5:] if any(v is not None for v in row)]
    assert body[-1][0] == f"共 {len(body) - 1} 行"  # the file was written to its end
    return rows, header, body[:-1]


def test_the_teacher_list_exports_its_filtered_rows_with_masked_ids(client, audited):
    w = audited
    client.force_login(w.users[Role.PREFECTURE_OFFICER])
    url = reverse("credits:teacher_list")
    page = client.get(url, {"unit": w.P1.code})
    shown = {row.teacher.name for row in page.context["page"].object_list}
    rows, header, body = _sheet(client.get(url, {"unit": w.P1.code, "export": "xlsx"}))
    assert "导出人：p1" in rows[1][0]
    assert "单位=甲地区" in rows[2][0]
    assert header[:3] == ["姓名", "身份证号", "学校"]
    assert {line[0] for line in body} == shown == {"张一", "张二"}
    for line in body:
        assert "********" in line[1]
        assert line[1] not in {w.T1.id_number, w.T2.id_number}
    assert not NationalIdDisclosure.objects.exists()
    # Another prefecture's unit is not exported, it is a 404.
    assert client.get(url, {"unit": w.C3.code, "export": "xlsx"}).status_code == 404


def test_whole_ids_need_a_post_and_every_teacher_is_logged(client, audited):
    w = audited
    officer = w.users[Role.COUNTY_OFFICER]
    client.force_login(officer)
    url = reverse("credits:teacher_list") + "?export=xlsx"
    # A link (GET) asking for whole numbers still gets masked ones and logs nothing.
    _rows, _header, body = _sheet(client.get(url + "&ids=whole"))
    assert all("********" in line[1] for line in body)
    assert not NationalIdDisclosure.objects.exists()
    _rows, _header, body = _sheet(client.post(url, {"ids": "whole"}))
    assert {line[1] for line in body} == {w.T1.id_number, w.T2.id_number}
    logged = NationalIdDisclosure.objects.filter(viewer=officer, channel=DisclosureChannel.EXPORT)
    assert set(logged.values_list("teacher_id", flat=True)) == {w.T1.pk, w.T2.pk}


def test_the_overview_table_exports_its_rows_and_total(client, audited):
    w = audited
    officer = w.users[Role.REGION_OFFICER]
    client.force_login(officer)
    url = reverse("credits:unit_overview", args=[w.R.code])
    rows, header, body = _sheet(client.get(url, {"export": "xlsx", "year": "2025-2026"}))
    overview = overview_of(officer, w.R, school_year="2025-2026")
    assert header[0] == "地州市"
    assert [line[0] for line in body] == [row.name for row in overview.rows] + ["合计"]
    for line, row in zip(body, overview.rows, strict=False):
        assert line[1:6] == [
            row.cycle.teachers,
            row.cycle.complete,
            row.cycle.on_track,
            row.cycle.at_risk,
            row.cycle.behind,
        ]
    assert body[-1][1] == overview.cycle.teachers == 3
    assert "目标=参训率≥98%，完成率≥95%" in rows[2][0]


def test_a_school_admin_exports_only_their_school(client, audited):
    w = audited
    client.force_login(w.users[Role.SCHOOL_ADMIN])
    _rows, _header, body = _sheet(
        client.get(reverse("credits:school_overview", args=[w.S1.pk]), {"export": "xlsx"})
    )
    assert {line[0] for line in body} == {"张一", "张二"}
    other = client.get(reverse("credits:school_overview", args=[w.S3.pk]), {"export": "xlsx"})
    assert other.status_code == 404


def test_the_anomaly_list_exports_as_filtered(client, audited):
    w = audited
    at = datetime.datetime(2026, 6, 30, tzinfo=datetime.UTC)
    for n, (county, teacher, kind) in enumerate(
        [
            (w.C1, w.T1, AnomalyKind.OVERLAP),
            (w.C1, w.T2, AnomalyKind.HOURS_PER_DAY),
            (w.C3, w.T3, AnomalyKind.OVERLAP),
        ]
    ):
        AuditAnomaly.objects.create(
            county=county,
            teacher=teacher,
            kind=kind,
            key=f"k{n}",
            record_ids=[n],
            detail=f'=HYPERLINK("http://x")异常{n}',
            found_at=at,
            last_seen_at=at,
        )
    client.force_login(w.users[Role.PREFECTURE_OFFICER])
    rows, _header, body = _sheet(
        client.get(reverse("credits:anomalies"), {"kind": "overlap", "export": "xlsx"})
    )
    mine = [line for line in body if "异常" in line[4]]
    # The kind filter keeps 异常0 (异常2 is 乙地区's, out of reach); the text stays text.
    assert [line[4] for line in mine] == ['=HYPERLINK("http://x")异常0']
    assert all(line[0] == "培训时间重叠" for line in body)
    assert mine[0][5].date() == datetime.date(2026, 6, 30)
    assert "类型=培训时间重叠" in rows[2][0]


def test_the_records_list_and_the_ledger_export_their_rows(client, audited):
    """The records page and the ledger export what they list, scoped, with masked numbers."""
    w = audited
    client.force_login(w.users[Role.COUNTY_OFFICER])
    listed = {r.pk for r in client.get(reverse("records:list")).context["page"].object_list}
    _rows, header, body = _sheet(client.get(reverse("records:list"), {"export": "xlsx"}))
    assert header[:4] == ["姓名", "身份证号", "学校", "培训项目"]
    assert len(body) == len(listed) > 0
    assert {line[0] for line in body} <= {"张一", "张二"}  # 甲一县's records only
    assert all("********" in line[1] for line in body)
    client.force_login(w.users[Role.TEACHER])
    _rows, header, body = _sheet(client.get(reverse("credits:ledger"), {"export": "xlsx"}))
    assert header[0] == "姓名"
    assert {line[0] for line in body} <= {"张一"}  # a teacher exports their own credits only


def test_the_approval_queue_and_the_project_list_export(client, audited):
    w = audited
    client.force_login(w.users[Role.COUNTY_OFFICER])
    queue = client.get(reverse("credits:approval_queue")).context["page"].paginator.count
    _rows, header, body = _sheet(client.get(reverse("credits:approval_queue"), {"export": "xlsx"}))
    assert len(body) == queue
    listed = client.get(reverse("projects:project_list")).context["page"].paginator.count
    rows, header, body = _sheet(client.get(reverse("projects:project_list"), {"export": "xlsx"}))
    assert header[:2] == ["项目编号", "项目名称"]
    assert len(body) == listed > 0
    assert "乙一县项目" not in {line[1] for line in body}  # another county's own project
    assert "导出人：c1" in rows[1][0]


def test_the_project_review_queue_exports_the_whole_queue_of_the_officers_own_unit(client, audited):
    from projects.choices import ReviewStatus
    from projects.tests.factories import TrainingProjectFactory

    w = audited
    for n in range(3):
        TrainingProjectFactory(
            name=f"甲一县待审{n}", issuing_unit=w.C1, review_status=ReviewStatus.SUBMITTED
        )
    TrainingProjectFactory(
        name="乙一县待审", issuing_unit=w.C3, review_status=ReviewStatus.SUBMITTED
    )
    client.force_login(w.users[Role.COUNTY_OFFICER])
    shown = {p.name for p in client.get(reverse("projects:review_queue")).context["projects"]}
    rows, header, body = _sheet(client.get(reverse("projects:review_queue"), {"export": "xlsx"}))
    assert rows[0][0] == "待审核项目"
    assert header[:2] == ["项目编号", "项目名称"]
    assert {line[1] for line in body} == shown == {f"甲一县待审{n}" for n in range(3)}
