"""The certificate PDF: an HTML template rendered by WeasyPrint with an embedded CJK font subset.

WeasyPrint finds the fonts through fontconfig. On Debian, fonts-noto-cjk provides Noto Serif
CJK SC and Noto Sans CJK SC; WeasyPrint embeds only the glyphs used, so a certificate is about
100-200 KB. The QR code is an SVG made by segno and links to the public verification page with
the certificate's signed code.
"""

from __future__ import annotations

import logging

import segno
from django.template.loader import render_to_string
from django.utils import translation

from .models import Certificate
from .seals import seal_data_uri

TEMPLATE = "certificates/certificate_pdf.html"

# WeasyPrint logs seven INFO lines per document; a nightly run issues thousands.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def qr_svg_data_uri(url: str) -> str:
    """Return the QR code of `url` as an SVG data URI (error correction M, quiet zone 4)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=4)


def render_certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """Return the PDF of `certificate`, in Chinese whatever the current request's language."""
    # WeasyPrint loads native libraries (Pango): imported only when a PDF is made.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    rows = certificate.credit_rows
    with translation.override("zh-hans"):
        html = render_to_string(
            TEMPLATE,
            {
                "certificate": certificate,
                "number": certificate.number.number,
                "credit_rows": rows,
                "has_notes": any(not row.is_summed for row in rows),
                "seal_data_uri": seal_data_uri(certificate.teacher.school.county),
                "qr_data_uri": qr_svg_data_uri(verify_url),
                "verify_url": verify_url,
            },
        )
    # Only inline data may load, and a failed load stops the rendering instead of leaving a
    # certificate without its QR code.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
