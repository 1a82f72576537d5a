"""Public verification: status and masked name for a bare number, content with a signed code."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.selectors import mask_name, verification_code_for, verification_path_for
from certificates.services import revoke_certificate
from institutions.tests.factories import UserFactory
from trainees.tests.factories import TeacherFactory

from .factories import issue


@pytest.fixture
def teacher(annex):
    return TeacherFactory(school=annex.kashgar_junior, name="张三华")


@pytest.fixture
def certificate(teacher):
    return issue(teacher)


def _page(client, url):
    response = client.get(url)
    return response, response.content.decode()


def _assert_no_personal_data(html, teacher):
    assert teacher.name not in html
    assert teacher.id_number not in html
    assert teacher.masked_id_number not in html  # not even the masked ID is public


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三华", "张*华"),
        ("张三", "张*"),
        ("欧阳明华", "欧**华"),
        ("王", "*"),
        ("阿依古丽·买买提", "阿******提"),
    ],
)
def test_names_are_masked_in_the_middle(name, masked):
    """Only the first and last characters show; a two-character name shows its first only."""
    assert mask_name(name) == masked


@pytest.mark.django_db
def test_bare_number_shows_status_and_masked_name_only(client, teacher, certificate):
    """Numbers are sequential, so typing one reveals only validity and 张*华."""
    # when
    response, html = _page(client, reverse("certificates:verify", args=["130120001"]))
    # then
    assert response.status_code == 200
    assert "证书有效" in html
    assert "张*华" in html
    assert "130120001" in html
    assert "92.50" not in html
    assert "喀什市教育局" not in html
    assert certificate.pdf_sha256 not in html
    _assert_no_personal_data(html, teacher)
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.django_db
def test_signed_code_shows_the_content_and_pdf_fingerprint(client, teacher, certificate):
    """The QR code's link shows credits by category, bureau, date and the PDF's SHA-256."""
    # when
    response, html = _page(client, verification_path_for(certificate))
    # then
    assert response.status_code == 200
    for expected in (
        "证书有效",
        "张*华",
        "继续教育学分证书",
        "2024-2028",
        "必修课程（专业课）",
        "46.50",
        "92.50",
        "喀什市教育局",
        "2028年12月31日",
        certificate.pdf_sha256,
    ):
        assert expected in html, expected
    _assert_no_personal_data(html, teacher)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),  # signature changed
        lambda code: str(int(code.split(".")[0]) + 1) + "." + code.split(".")[1],  # other id
        lambda code: "garbage",
    ],
    ids=["signature", "certificate-id", "garbage"],
)
@pytest.mark.django_db
def test_tampered_code_shows_no_content(client, teacher, certificate, tamper):
    """A changed code is refused: the page warns and shows no credits."""
    # given: the same teacher's yearly proof, under the same number, is pk + 1
    other = issue(
        teacher,
        kind="year",
        period="2024-2025",
        credits_by_category={"必修课程": Decimal("18.00")},
        total=Decimal("18.00"),
    )
    assert other.pk == certificate.pk + 1
    code = tamper(verification_code_for(certificate))
    url = reverse("certificates:verify", args=["130120001"]) + f"?code={code}"
    # when
    response, html = _page(client, url)
    # then
    assert response.status_code == 200
    assert "校验码无效" in html
    assert "92.50" not in html
    assert certificate.pdf_sha256 not in html
    assert other.pdf_sha256 not in html
    assert "18.00" not in html
    _assert_no_personal_data(html, teacher)


@pytest.mark.django_db
def test_code_of_another_number_shows_no_content(client, teacher, certificate):
    """A valid code only opens the certificate it was signed for, under its own number."""
    other = issue(TeacherFactory(school=teacher.school, name="李四光"))
    url = reverse("certificates:verify", args=["130120001"])
    response, html = _page(client, f"{url}?code={verification_code_for(other)}")
    assert response.status_code == 200
    assert "校验码无效" in html
    assert other.pdf_sha256 not in html
    assert "李*光" not in html


@pytest.mark.parametrize("number", ["130129998", "999999999", "abc", "13012000"])
@pytest.mark.django_db
def test_unknown_number_says_not_found_in_chinese(client, certificate, number):
    """An unknown or malformed number answers 404 with a Chinese page."""
    response, html = _page(client, reverse("certificates:verify", args=[number]))
    assert response.status_code == 404
    assert "未找到该证书" in html
    assert "张*华" not in html


@pytest.mark.django_db
def test_number_allocated_without_a_certificate_is_not_found(client, annex):
    """A number the audit allocated before any certificate proves nothing yet."""
    from certificates.services import allocate_certificate_number

    allocate_certificate_number(teacher=TeacherFactory(school=annex.kashgar_junior))
    response, html = _page(client, reverse("certificates:verify", args=["130120001"]))
    assert response.status_code == 404
    assert "未找到该证书" in html


@pytest.mark.django_db
def test_revoked_certificate_shows_revoked_with_its_date(client, teacher, certificate):
    """A revoked certificate says 已撤销 with the date, bare or with its code, and no credits."""
    # given
    admin = UserFactory(username="root2", is_superuser=True)
    revoke_certificate(certificate=certificate, reason="学分材料造假", by=admin)
    today = timezone.localdate()
    date = f"{today.year}年{today.month}月{today.day}日"
    # when
    _bare_response, bare = _page(client, reverse("certificates:verify", args=["130120001"]))
    _signed_response, signed = _page(client, verification_path_for(certificate))
    # then
    for html in (bare, signed):
        assert "已撤销" in html
        assert date in html
        assert "证书有效" not in html
        assert "92.50" not in html
        assert "学分材料造假" not in html  # the reason is internal
        _assert_no_personal_data(html, teacher)


@pytest.mark.django_db
def test_superseded_version_is_marked_and_points_to_the_correction(client, teacher, certificate):
    """An old printout's QR code says it was replaced by version 2."""
    # given
    issue(teacher, total=Decimal("93.00"), issued_on=datetime.date(2029, 1, 10))
    # when
    _response, html = _page(client, verification_path_for(certificate))
    # then
    assert "已被更正" in html
    assert "第 2 版取代" in html
    assert "证书有效" in html  # the number itself has a certificate in force


@pytest.mark.django_db
def test_verify_form_redirects_a_typed_number_and_explains_a_bad_one(client, certificate):
    """The form accepts spaces and full-width digits, and explains malformed input in Chinese."""
    form = reverse("certificates:verify_form")
    page = client.get(form)
    assert page.status_code == 200
    assert "证书编号" in page.content.decode()
    response = client.get(form, {"number": "１３０１２ 0001"})
    assert response.status_code == 302
    assert response.url == reverse("certificates:verify", args=["130120001"])
    bad = client.get(form, {"number": "12345"})
    assert bad.status_code == 200
    assert "应为9位数字" in bad.content.decode()


@pytest.mark.django_db
def test_verification_is_rate_limited_per_address(client, settings, certificate):
    """Past the limit a client gets 429 with a Chinese message; another address still gets in."""
    # given
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 30
    url = reverse("certificates:verify", args=["130120001"])
    # when
    statuses = [client.get(url).status_code for _ in range(30)]
    blocked = client.get(url)
    form_blocked = client.get(reverse("certificates:verify_form"))
    other = client.get(url, REMOTE_ADDR="10.0.0.2")
    # then
    assert statuses == [200] * 30
    assert blocked.status_code == 429
    assert "查询过于频繁" in blocked.content.decode()
    assert 1 <= int(blocked["Retry-After"]) <= 60
    assert form_blocked.status_code == 429
    assert other.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [0, 1])
def test_forwarded_addresses_count_only_behind_a_trusted_proxy(
    client, settings, certificate, proxies
):
    """A client cannot dodge the limit by writing X-Forwarded-For; behind our proxy, the address
    the proxy saw is the one counted (so two users behind it are not one)."""
    # given
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = proxies
    url = reverse("certificates:verify", args=["130120001"])
    # when: one user forges a fresh "client address" each time; the proxy appends the real one
    forged = [
        client.get(url, HTTP_X_FORWARDED_FOR=f"1.1.1.{i}, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
        for i in range(4)
    ]
    other_user = client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.9", REMOTE_ADDR="10.0.0.1")
    # then
    assert [r.status_code for r in forged] == [200, 200, 200, 429]
    # Without a trusted proxy everyone behind 10.0.0.1 is one address; with it, a new user.
    assert other_user.status_code == (200 if proxies else 429)


@pytest.mark.django_db
def test_verification_needs_no_login_and_reads_in_two_queries(
    client, certificate, django_assert_max_num_queries
):
    """Anonymous visitors from WeChat's scanner get the page with a fixed, small query count."""
    with django_assert_max_num_queries(2):
        response = client.get(verification_path_for(certificate))
    assert response.status_code == 200
