"""The issuing bureau's seal: checked on upload, embedded in each certificate's PDF.

An uploaded file is read by Pillow with a pixel cap (a decompression bomb is refused before
it is decoded), must be a PNG or JPEG of sensible size, and is re-encoded as a PNG so that
nothing but pixels reaches the certificate (no metadata, no trailing payload).
"""

from __future__ import annotations

import base64
import io
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import BureauSeal

logger = logging.getLogger(__name__)

MAX_BYTES = 1024 * 1024
MAX_SIDE = 2000
MIN_SIDE = 100


def checked_seal_png(upload) -> bytes:
    """Return the uploaded seal re-encoded as PNG, or raise ValidationError in Chinese."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > MAX_BYTES:
        raise ValidationError(_("印章图片不能超过 1 MB。"))
    data = upload.read(MAX_BYTES + 1)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"PNG", "JPEG"}:
                raise ValidationError(_("印章图片只能是 PNG 或 JPEG 格式。"))
            width, height = image.size
            if max(width, height) > MAX_SIDE or min(width, height) < MIN_SIDE:
                raise ValidationError(
                    _("印章图片的边长应在 %(min)d 到 %(max)d 像素之间，当前为 %(w)d×%(h)d。")
                    % {"min": MIN_SIDE, "max": MAX_SIDE, "w": width, "h": height}
                )
            image.load()
            pixels = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(_("无法识别印章图片，请上传 PNG 或 JPEG 图片。")) from None
    out = io.BytesIO()
    pixels.save(out, format="PNG", optimize=True)
    return out.getvalue()


def seal_data_uri(county) -> str | None:
    """Return the county bureau's seal as a data: URI for the PDF, or None when none is set."""
    seal = BureauSeal.objects.filter(unit=county).first()
    if seal is None or not seal.image:
        return None
    try:
        with seal.image.open("rb") as handle:
            data = handle.read(MAX_BYTES * 4)
    except OSError:
        # A lost file prints the placeholder rather than stopping the night; it is logged.
        logger.warning("seal file of %s is missing: %s", county, seal.image.name)
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
