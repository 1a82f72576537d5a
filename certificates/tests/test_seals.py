"""The bureau's seal: an upload is checked and re-encoded; only a county bureau sets its own."""

import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from certificates.models import BureauSeal
from certificates.seals import checked_seal_png, seal_data_uri
from institutions.choices import Role
from institutions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _png(size=(300, 300), fmt="PNG", **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if fmt == "PNG" else "RGB", size, (190, 20, 20)).save(out, format=fmt, **save)
    return out.getvalue()


def _upload(data: bytes, name="seal.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_seal_is_re_encoded_so_nothing_but_pixels_reaches_the_certificate():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    payload = _png(pnginfo=info) + b"%PDF-1.7 trailing payload"
    png = checked_seal_png(_upload(payload))
    assert png.startswith(b"\x89PNG")
    assert b"script" not in png
    assert b"trailing payload" not in png
    assert Image.open(io.BytesIO(png)).size == (300, 300)
    assert checked_seal_png(_upload(_png(fmt="JPEG"), "seal.jpg", "image/jpeg")).startswith(
        b"\x89PNG"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "无法识别"),
        (b"\x00" * 2048, "无法识别"),
        (_png(fmt="GIF"), "只能是 PNG 或 JPEG"),
        (_png(size=(40, 40)), "边长应在 100 到 2000 像素之间"),
        (_png(size=(2400, 300)), "边长应在 100 到 2000 像素之间"),
        (b"\x89PNG" + b"0" * (1024 * 1024 + 1), "不能超过 1 MB"),
    ],
    ids=["svg-with-script", "zeros", "gif", "tiny", "huge", "over-1mb"],
)
def test_hostile_or_unusable_files_are_refused_in_chinese(data, message):
    with pytest.raises(ValidationError, match=message):
        checked_seal_png(_upload(data))


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    """A small PNG whose header declares 60,000 × 60,000 pixels: refused from its header."""
    import struct
    import zlib

    data = bytearray(_png(size=(200, 200)))
    # IHDR is the first chunk: 8 signature bytes, length, "IHDR", width, height, … CRC.
    data[16:24] = struct.pack(">II", 60000, 60000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    started = time.perf_counter()
    with pytest.raises(ValidationError):
        checked_seal_png(_upload(bytes(data)))
    assert time.perf_counter() - started < 1


def test_a_county_officer_uploads_their_bureaus_seal_and_a_prefecture_cannot(
    client, annex, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    county = annex.kashgar_city
    officer = UserFactory(role=Role.COUNTY_OFFICER, unit=county, is_staff=True)
    client.force_login(officer)
    url = reverse("admin:certificates_bureauseal_add")
    answer = client.post(url, {"unit": county.pk, "image": _upload(_png())})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    seal = BureauSeal.objects.get(unit=county)
    assert seal.image.name.endswith(f"{county.code}.png")
    assert seal.history.latest().history_user_id == officer.pk
    assert seal_data_uri(county).startswith("data:image/png;base64,")
    # Another county is not among the officer's choices: the form refuses it.
    other = annex.gaochang
    client.post(url, {"unit": other.pk, "image": _upload(_png())})
    assert not BureauSeal.objects.filter(unit=other).exists()
    # A hostile file is refused with the reason, nothing stored.
    seal.delete()
    page = client.post(url, {"unit": county.pk, "image": _upload(b"<svg/>", "s.svg")})
    assert "无法识别印章图片" in page.content.decode()
    assert not BureauSeal.objects.exists()
    prefecture = UserFactory(role=Role.PREFECTURE_OFFICER, unit=annex.kashgar, is_staff=True)
    client.force_login(prefecture)
    assert client.get(url).status_code == 403
