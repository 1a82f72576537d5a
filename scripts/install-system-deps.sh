#!/usr/bin/env bash
# Install the Debian packages 学分通 needs beyond Python: Chromium for the browser tests,
# Noto CJK fonts so PDFs and screenshots show Chinese, Pango/HarfBuzz for WeasyPrint's
# certificate PDFs, and poppler-utils (pdftotext, pdffonts, pdftoppm) to check certificates.
# Does nothing when they are already there.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# WeasyPrint (certificate PDFs) renders text with Pango and HarfBuzz.
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do
  dpkg -s "$lib" >/dev/null 2>&1 || missing+=("$lib")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "Missing Debian packages: ${missing[*]}. Install them as root:" >&2
    echo "  apt-get install -y ${missing[*]}" >&2
    echo "(browser and PDF tests skip without them)" >&2
    exit 0
  fi
else
  SUDO=
fi

echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
