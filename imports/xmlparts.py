"""Parts of an uploaded zip fed to expat within bounds: the plumbing of the .xlsx reader.

Every part is checked by its declared size and compression ratio before it is opened, then fed
to expat 64 KB at a time; the bytes unpacked, each markup token, the nesting and the clock are
counted as they arrive, and reading stops at the first limit with a Chinese message. The DTD,
comments and processing instructions (never written by Excel or WPS, and held whole by expat)
are refused. `imports.xlsx` reads the workbook with it, `imports.sheet` a sheet.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from django.utils.translation import gettext as _t

from credits.intake.text import shown_value

from .errors import NotATable, OldExcelFormat, UnpackedTooLarge, UnusualWorkbook
from .files import Deadline

CHUNK = 64 * 1024  # unpacked bytes fed to the XML parser at a time
MB = 1024 * 1024
MAX_ZIP_MEMBERS = 5_000  # a workbook has a dozen parts; pictures add one each
MAX_SHEET_BYTES = 200 * MB  # one worksheet's XML (50,000 rows of 30 columns are ~60 MB)
MAX_STRINGS_BYTES = 64 * MB  # the shared-string table's XML
MAX_OTHER_BYTES = 8 * MB  # the workbook, relationships and styles parts
MAX_UNPACKED_BYTES = 256 * MB  # every byte unpacked for one reading, together
MAX_RATIO = 100  # unpacked ÷ packed size of a part above 1 MB (XML of a sheet: 5–30)
MAX_TOKEN_BYTES = 1 * MB  # one tag, or one run of text between two tags
MAX_DEPTH = 64  # XML nesting (a sheet needs 6)
UTF8_BOM = b"\xef\xbb\xbf"


def local_name(name: str) -> str:
    return name.rpartition(":")[2] if ":" in name else name


class Package:
    """The zip container of a workbook: parts checked by declared size before they are read."""

    def __init__(self, path: Path, filename: str, deadline: Deadline):
        self.filename = filename
        self.deadline = deadline
        self.unpacked = 0
        self.cells = 0
        self.others = 0
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise NotATable(name=shown_value(filename)) from None
        infos = self.zip.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            self.zip.close()
            what = _t("%(count)d 个压缩部件，上限 %(limit)d 个") % {
                "count": len(infos),
                "limit": MAX_ZIP_MEMBERS,
            }
            raise UnusualWorkbook(name=shown_value(filename), what=what)
        self.members = {info.filename: info for info in infos}

    def close(self) -> None:
        self.zip.close()

    def has(self, name: str) -> bool:
        return name in self.members

    def chunks(self, name: str, limit: int) -> Iterator[bytes]:
        """Yield the unpacked bytes of a part in CHUNK pieces, within its limits."""
        info = self.members.get(name)
        if info is None:
            raise NotATable(name=shown_value(self.filename))
        if info.flag_bits & 0x1:
            raise OldExcelFormat(name=shown_value(self.filename))  # an encrypted part
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            what = _t("不常见的压缩方式")
            raise UnusualWorkbook(name=shown_value(self.filename), what=what)
        if info.file_size > limit:
            reason = _t("解压后有 %(size)s MB，超过了 %(limit)d MB 的上限") % {
                "size": _megabytes(info.file_size),
                "limit": limit // MB,
            }
            raise UnpackedTooLarge(name=shown_value(self.filename), part=name, reason=reason)
        if info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            reason = _t(
                "压缩比为 %(ratio)d 倍（%(size)s MB 压缩在 %(packed)s MB 中），超过了 %(limit)d 倍的上限"
            ) % {
                "ratio": info.file_size // max(info.compress_size, 1),
                "size": _megabytes(info.file_size),
                "packed": _megabytes(info.compress_size),
                "limit": MAX_RATIO,
            }
            raise UnpackedTooLarge(name=shown_value(self.filename), part=name, reason=reason)
        try:
            # zipfile stops at the declared size and checks the CRC, so a part cannot unpack
            # to more than the size checked above.
            with self.zip.open(info) as source:
                while chunk := source.read(CHUNK):
                    self.unpacked += len(chunk)
                    if self.unpacked > MAX_UNPACKED_BYTES:
                        reason = _t("连同其他部件解压后超过了 %(limit)d MB 的上限") % {
                            "limit": MAX_UNPACKED_BYTES // MB
                        }
                        raise UnpackedTooLarge(
                            name=shown_value(self.filename), part=name, reason=reason
                        )
                    self.deadline.check()
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
            raise NotATable(name=shown_value(self.filename)) from None


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}"


class _Guard:
    """Refuse, before expat sees them, the XML tokens expat would buffer whole.

    Character data reaches the handlers as it arrives, but a tag, a comment or a processing
    instruction is held until its end. `<` cannot occur inside a tag or in text, so once the
    DTD, comments and processing instructions (never written by Excel or WPS) are refused, the
    distance between two `<` bounds every token that expat buffers.
    """

    def __init__(self, package: Package):
        self.package = package
        self.at_start = True
        self.tail = b""
        self.since = 0

    def refuse(self, what: str):
        raise UnusualWorkbook(name=shown_value(self.package.filename), what=what)

    def __call__(self, chunk: bytes) -> None:
        scan = chunk
        if self.at_start:
            self.at_start = False
            if scan.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in scan[:64]:
                self.refuse(_t("UTF-16 编码的 XML"))
            scan = scan.removeprefix(UTF8_BOM)
            if scan.startswith(b"<?xml"):
                end = scan.find(b"?>")
                if end < 0:
                    self.refuse(_t("过长的 XML 声明"))
                scan = scan[end + 2 :]
        window = self.tail + scan
        if b"<!" in window or b"<?" in window:
            self.refuse(_t("DTD、注释或处理指令"))
        if scan:
            self.tail = scan[-1:]
        first = scan.find(b"<")
        if first < 0:
            self.since += len(scan)
        else:
            if self.since + first > MAX_TOKEN_BYTES:
                self.refuse(_t("一段超过 1 MB 的连续内容"))
            self.since = len(scan) - scan.rfind(b"<") - 1
        if self.since > MAX_TOKEN_BYTES:
            self.refuse(_t("一段超过 1 MB 的连续内容"))


def feed(package: Package, name: str, limit: int, handler) -> Iterator[None]:
    """Feed a part to a new expat parser calling `handler`; yield after each chunk."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    handler.parser = parser
    guard = _Guard(package)
    try:
        for chunk in package.chunks(name, limit):
            guard(chunk)
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise NotATable(name=shown_value(package.filename)) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops nesting long before
        raise UnusualWorkbook(name=shown_value(package.filename), what="XML") from None


def parse(package: Package, name: str, limit: int, handler) -> None:
    for _ in feed(package, name, limit, handler):
        pass


class Handler:
    """Count the nesting; subclasses look at the elements they need."""

    parser = None

    def __init__(self, package: Package):
        self.package = package
        self.depth = 0

    def start(self, name: str, attrs: dict) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise UnusualWorkbook(
                name=shown_value(self.package.filename), what=_t("嵌套过深的 XML")
            )
        self.open(local_name(name), attrs)

    def end(self, name: str) -> None:
        self.depth -= 1
        self.close(local_name(name))

    def open(self, name: str, attrs: dict) -> None:
        pass

    def close(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass
