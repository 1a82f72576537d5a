"""The certificate PDF: Chinese text, an embedded CJK font, and a QR code that verifies it.

Checked the way a person would: poppler's pdftotext, pdffonts and pdftoppm read the stored
file, and zxing-cpp decodes the QR code from the rendered page.
"""

import shutil
import subprocess
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from certificates.models import CertificateKind
from certificates.selectors import certificate_pk_from_code
from trainees.tests.factories import TeacherFactory

from .factories import issue

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdftoppm")),
        reason="needs poppler-utils (pdftotext, pdffonts, pdftoppm): make system-deps",
    ),
]


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture
def certificate(annex):
    teacher = TeacherFactory(school=annex.kashgar_junior, name="张三华")
    return issue(teacher)


@pytest.mark.django_db
def test_pdf_text_has_the_title_name_number_and_credits(certificate):
    """The PDF says, in Chinese, whose certificate it is, its number and the credits."""
    # when
    text = _run("pdftotext", "-layout", certificate.pdf.path, "-")
    # then
    for expected in (
        "继续教育学分证书",
        "张三华",
        "130120001",
        certificate.masked_id_number,
        "喀什市第一初级中学",
        "2024-2028",
        "必修课程（公共课）",
        "46.50",
        "92.50",
        "喀什市教育局",
        "2028年12月31日",
    ):
        assert expected in text, expected
    assert certificate.teacher.id_number not in text


@pytest.mark.django_db
def test_yearly_proof_has_its_own_title(annex):
    """A school year's proof is titled 学年学分证明 and names the school year."""
    teacher = TeacherFactory(school=annex.gaochang_primary, name="李梅")
    proof = issue(
        teacher,
        kind=CertificateKind.YEAR,
        period="2024-2025",
        credits_by_category={"必修课程": Decimal("12")},
        total=Decimal("18"),
    )
    text = _run("pdftotext", "-layout", proof.pdf.path, "-")
    assert "学年学分证明" in text
    assert "2024-2025 学年" in text
    assert "090110001" in text


@pytest.mark.django_db
def test_pdf_embeds_a_cjk_font(certificate):
    """Every font is embedded, and at least one is a Noto CJK face (no empty boxes on print)."""
    # when
    lines = _run("pdffonts", certificate.pdf.path).splitlines()[2:]
    # then
    fonts = [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]
    assert fonts, "the PDF has no fonts"
    assert any("CJK" in name for name, _emb in fonts), fonts
    assert all(emb == "yes" for _name, emb in fonts), fonts


@pytest.mark.django_db
def test_qr_code_links_to_the_verification_page_with_a_valid_signed_code(certificate, tmp_path):
    """Scanning the printed QR code opens /verify/<number>/?code=… for this very certificate."""
    zxingcpp = pytest.importorskip("zxingcpp", reason="needs zxing-cpp (requirements-dev)")
    from PIL import Image

    # given
    _run("pdftoppm", "-png", "-r", "150", "-singlefile", certificate.pdf.path, str(tmp_path / "p"))
    # when
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "p.png"))
    # then
    assert [b.format for b in found] == [zxingcpp.BarcodeFormat.QRCode]
    url = urlsplit(found[0].text)
    assert url.path == reverse("certificates:verify", args=["130120001"])
    code = parse_qs(url.query)["code"][0]
    assert certificate_pk_from_code(code) == certificate.pk


@pytest.mark.django_db
def test_the_table_prints_parts_and_offsets_as_such_and_the_seal_or_its_placeholder(
    annex, settings, tmp_path
):
    """其中 and 折抵 lines read as such, outside the sum; no seal: a clear placeholder; a
    county's seal: its image in the PDF (pdfimages lists it next to the QR code's none)."""
    from certificates.models import BureauSeal
    from credits.rules import LineRole, StatementLine

    lines = [
        StatementLine("必修课程", Decimal("70.00"), LineRole.CATEGORY),
        StatementLine("其中：必修公共课", Decimal("20.00"), LineRole.PART),
        StatementLine("选修课程", Decimal("6.30"), LineRole.CATEGORY),
        StatementLine("校本课程", Decimal("20.00"), LineRole.CATEGORY),
        StatementLine("必修课程超出部分折抵选修课程", Decimal("3.70"), LineRole.OFFSET),
    ]
    teacher = TeacherFactory(school=annex.kashgar_junior, name="王芳")
    plain = issue(teacher, credits_by_category=lines, total=Decimal("96.30"))
    text = _run("pdftotext", "-layout", plain.pdf.path, "-")
    assert "其中：必修公共课" in text
    assert "折抵：必修课程超出部分折抵选修课程" in text
    assert "不计入合计" in text
    png_path = tmp_path / "plain"
    _run("pdftoppm", "-png", "-r", "60", "-singlefile", plain.pdf.path, str(png_path))
    flat = text.replace(" ", "").replace("\n", "")
    assert "发证机关印章" in flat
    assert "未配置" in flat
    assert _run("pdfimages", "-list", plain.pdf.path).count("\n") <= 2  # header lines only

    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGBA", (300, 300), (190, 20, 20, 255)).save(png, format="PNG")
    seal = BureauSeal(unit=annex.kashgar_junior.county)
    seal.image.save("seal.png", ContentFile(png.getvalue()), save=False)
    seal.save()
    other = TeacherFactory(school=annex.kashgar_junior, name="王芳芳")
    sealed = issue(other, credits_by_category=lines, total=Decimal("96.30"))
    text = _run("pdftotext", "-layout", sealed.pdf.path, "-")
    assert "未配置" not in text.replace(" ", "").replace("\n", "")
    assert _run("pdfimages", "-list", sealed.pdf.path).count("\n") > 2  # the seal's image
