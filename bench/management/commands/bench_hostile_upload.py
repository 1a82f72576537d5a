"""Build hostile uploads and measure, for each, reading it in a fresh process.

Each file below is an attack of issue #15 (or the legitimate 50,000-row file they are compared
with). For every file the command starts a new Python process that sets Django up and reads
the file as the import does (`open_table` then `read_rows`, the part of the preview that
needs no database), and records its peak resident memory (VmHWM, read by the child at the
end and polled by the parent while it runs), its CPU time (`os.wait4`), how long the reading
took, and the outcome: rows read, or the Chinese message of the refusal. Children run with an address-space limit (`--memory-limit-mb`) and a
wall-clock timeout, so a file that would take the machine down only takes the child.

`--baseline-dir` runs the same files against another checkout of the project (for example
the commit before the bounded reader: `git archive <commit> | tar -x -C /tmp/before`), so the
figures before and after come from one run. The last line printed is one JSON object.
"""

from __future__ import annotations

import io
import json
import os
import platform
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from credits.intake.columns import HEADERS

MB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET = RELS + "/worksheet"
SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _content_types(*, has_strings: bool) -> str:
    """Return [Content_Types].xml as Excel writes it (openpyxl finds the parts through it)."""
    overrides = [
        ("/xl/workbook.xml", SPREADSHEETML + ".sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", SPREADSHEETML + ".worksheet+xml"),
    ]
    if has_strings:
        overrides.append(("/xl/sharedStrings.xml", SPREADSHEETML + ".sharedStrings+xml"))
    items = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{items}</Types>'
    )


CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
limit = int(sys.argv[3]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import django
django.setup()
from pathlib import Path
from credits.errors import CreditError
try:
    from imports.reading import open_table, read_rows
except ImportError:  # a --baseline-dir checkout from before the imports app
    from credits.importing import open_table, read_rows
started, cpu = time.monotonic(), time.process_time()
try:
    rows = read_rows(open_table(Path(sys.argv[1]), sys.argv[2]))
    outcome = "read %d rows" % len(rows)
except CreditError as exc:
    outcome = "refused: " + str(exc)[:160]
except MemoryError:
    outcome = "MemoryError"
status = open("/proc/self/status").read()
hwm = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"peak_rss_mb": round(hwm, 1),
                  "read_seconds": round(time.monotonic() - started, 2),
                  "read_cpu_seconds": round(time.process_time() - cpu, 2),
                  "outcome": outcome}, ensure_ascii=False))
"""


# -- writing workbooks by hand ------------------------------------------------------------------
def _sheet_rels(targets: list[str]) -> str:
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(targets, start=1)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">{items}</Relationships>'


def write_workbook(
    path: Path,
    sheet: Callable[[], Iterator[bytes]] | bytes,
    *,
    strings: Callable[[], Iterator[bytes]] | bytes | None = None,
    sheets: list[tuple[str, str]] | None = None,
    add_members: Callable[[zipfile.ZipFile], None] | None = None,
) -> Path:
    """Write an .xlsx whose first sheet part is `sheet` (bytes, or a function yielding them).

    `sheets` lists (name, state) of the workbook's sheets, all pointing at that one part;
    `strings` is the shared-string table's XML. Parts are streamed, so a part of gigabytes
    takes no memory.
    """
    sheets = sheets or [("培训记录", "visible")]
    targets = [(WORKSHEET, "worksheets/sheet1.xml")]
    if strings is not None:
        targets.append((RELS + "/sharedStrings", "sharedStrings.xml"))
    entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" state="{state}" r:id="rId1"/>'
        for i, (name, state) in enumerate(sheets, start=1)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        f"<sheets>{entries}</sheets></workbook>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(has_strings=strings is not None))
        archive.writestr(
            "_rels/.rels",
            _sheet_rels([(RELS + "/officeDocument", "xl/workbook.xml")]),
        )
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", _sheet_rels(targets))
        for name, part in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", strings)):
            if part is None:
                continue
            with archive.open(name, "w", force_zip64=True) as target:
                for chunk in [part] if isinstance(part, bytes) else part():
                    target.write(chunk)
        if add_members is not None:
            add_members(archive)
    return path


def sheet_xml(rows: str | Callable[[], Iterator[str]], *, head: str = "", tail: str = ""):
    """Return a function yielding a worksheet's XML around `rows` (text, or a generator)."""

    def parts() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{head}<sheetData>'.encode()
        for text in [rows] if isinstance(rows, str) else rows():
            yield text.encode()
        yield f"</sheetData>{tail}</worksheet>".encode()

    return parts


def header_row() -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADERS)
    return f'<row r="1">{cells}</row>'


def repeated(text: str, count: int, batch: int = 10_000) -> Callable[[], Iterator[str]]:
    def parts() -> Iterator[str]:
        left = count
        while left > 0:
            n = min(batch, left)
            yield text * n
            left -= n

    return parts


def declare_size(path: Path, member: str, size: int) -> Path:
    """Rewrite the zip so `member` declares `size` unpacked bytes in both its headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, size)
    start = 0
    while (central := data.find(b"PK\x01\x02", start)) != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length].decode() == member:
            struct.pack_into("<I", data, central + 24, size)
            break
        start = central + 4
    path.write_bytes(bytes(data))
    return path


# -- the hostile files --------------------------------------------------------------------------
def cells_in_one_row(directory: Path, scale: float) -> Path:
    """One row declaring tens of millions of cells (issue #15: 1.2 MB, web process past 12 GB)."""
    count = max(int(20_000_000 * scale), 3_000)
    rows = sheet_xml(
        lambda: iter([header_row(), '<row r="2">', *repeated("<c><v>1</v></c>", count)(), "</row>"])
    )
    return write_workbook(directory / "cells_in_one_row.xlsx", rows)


def wide_rows(directory: Path, scale: float) -> Path:
    """1,700 rows of 1,500 numbered cells: 2.5 million cells in 9 MB, little for a zip to squeeze."""
    rows_count = max(int(1_700 * scale), 3)

    def rows() -> Iterator[str]:
        yield header_row()
        for r in range(2, rows_count + 2):
            yield (
                f'<row r="{r}">'
                + "".join(f"<c><v>{r * c}</v></c>" for c in range(1, 1501))
                + "</row>"
            )

    return write_workbook(directory / "wide_rows.xlsx", sheet_xml(rows))


def one_huge_shared_string(directory: Path, scale: float) -> Path:
    """One 400 MB string in the shared-string table (issue #15: 415 KB, 3.8 GB peak)."""
    length = max(int(400 * MB * scale), 40_000)

    def strings() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
        left = length
        while left > 0:
            n = min(MB, left)
            yield b"A" * n
            left -= n
        yield b"</t></si></sst>"

    rows = header_row() + '<row r="2"><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row>'
    return write_workbook(
        directory / "one_huge_shared_string.xlsx", sheet_xml(rows), strings=strings
    )


def huge_inline_string(directory: Path, scale: float) -> Path:
    """One 400 MB string inline in the sheet (issue #15's 3.8 GB peak, whichever part holds it)."""
    length = max(int(400 * MB * scale), 40_000)

    def rows() -> Iterator[str]:
        yield header_row() + '<row r="2"><c r="B2" t="inlineStr"><is><t>'
        left = length
        while left > 0:
            n = min(MB, left)
            yield "A" * n
            left -= n
        yield "</t></is></c></row>"

    return write_workbook(directory / "huge_inline_string.xlsx", sheet_xml(rows))


def long_inline_text(directory: Path, scale: float) -> Path:
    """A cell of 12 MB of hard-to-compress text, inline in the sheet."""
    length = max(int(12 * MB * scale), 40_000)
    generator = random.Random(15)  # noqa: S311 test data, not a secret

    def rows() -> Iterator[str]:
        yield header_row() + '<row r="2"><c r="B2" t="inlineStr"><is><t>'
        left = length
        while left > 0:
            n = min(MB, left)
            yield "".join(generator.choices("0123456789abcdef", k=n))
            left -= n
        yield "</t></is></c></row>"

    return write_workbook(directory / "long_inline_text.xlsx", sheet_xml(rows))


def declared_huge_part(directory: Path, scale: float) -> Path:
    """A sheet part whose zip headers declare 4 GB unpacked."""
    path = write_workbook(directory / "declared_huge_part.xlsx", sheet_xml(header_row()))
    return declare_size(path, "xl/worksheets/sheet1.xml", 0xFFFFFFF0)


def zip_bomb(directory: Path, scale: float) -> Path:
    """150 MB of one repeated row, squeezed about a thousand times."""
    count = max(int(150 * MB / 60 * scale), 3_000)
    row = '<row><c t="inlineStr"><is><t>xxxxxxxxxx</t></is></c></row>'
    rows = sheet_xml(lambda: iter([header_row(), *repeated(row, count)()]))
    return write_workbook(directory / "zip_bomb.xlsx", rows)


def full_dimension(directory: Path, scale: float) -> Path:
    """A small sheet declaring A1:XFD1048576 (17 billion cells)."""
    rows = header_row() + (
        '<row r="2"><c t="inlineStr"><is><t>650102198506150010</t></is></c></row>'
    )
    return write_workbook(
        directory / "full_dimension.xlsx",
        sheet_xml(rows, head='<dimension ref="A1:XFD1048576"/>'),
    )


def deep_nesting(directory: Path, scale: float) -> Path:
    """100,000 nested elements inside a row."""
    depth = max(int(100_000 * scale), 100)
    rows = sheet_xml(
        lambda: iter([header_row(), '<row r="2">', "<x>" * depth, "</x>" * depth, "</row>"])
    )
    return write_workbook(directory / "deep_nesting.xlsx", rows)


def entity_expansion(directory: Path, scale: float) -> Path:
    """A "billion laughs" DTD in the sheet's XML."""
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )

    def parts() -> Iterator[bytes]:
        yield (
            f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [{entities}]>'
            f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}'
            '<row r="2"><c t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData></worksheet>'
        ).encode()

    return write_workbook(directory / "entity_expansion.xlsx", parts)


def many_members(directory: Path, scale: float) -> Path:
    """A zip of 100,000 tiny members besides the workbook's parts."""
    count = max(int(100_000 * scale), 5_100)

    def add_members(archive: zipfile.ZipFile) -> None:
        for i in range(count):
            archive.writestr(zipfile.ZipInfo(f"x/{i}"), b"")

    return write_workbook(
        directory / "many_members.xlsx", sheet_xml(header_row()), add_members=add_members
    )


def amplified_string(directory: Path, scale: float) -> Path:
    """50,000 rows whose 8 cells all point at one shared string of 32,000 characters."""
    rows_count = max(int(50_000 * scale), 20)

    def strings() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si><t>'.encode()
        yield ("名" * 32_000).encode()
        yield b"</t></si></sst>"

    row = "".join('<c t="s"><v>0</v></c>' for _ in HEADERS)
    rows = sheet_xml(
        lambda: iter(
            [header_row(), *(f'<row r="{r}">{row}</row>' for r in range(2, rows_count + 2))]
        )
    )
    return write_workbook(directory / "amplified_string.xlsx", rows, strings=strings)


def every_cell_wrong(directory: Path, scale: float) -> Path:
    """50,000 rows whose 8 cells each hold 99 characters: the most messages a file can make."""
    rows_count = max(int(50_000 * scale), 10)

    def rows() -> Iterator[str]:
        yield header_row()
        for r in range(2, rows_count + 2):
            cells = "".join(
                f'<c t="inlineStr"><is><t>{r:06d}{c}{"错" * 92}</t></is></c>' for c in range(8)
            )
            yield f'<row r="{r}">{cells}</row>'

    return write_workbook(directory / "every_cell_wrong.xlsx", sheet_xml(rows))


def csv_wide_row(directory: Path, scale: float) -> Path:
    """A CSV file of 10 MB whose second line is ten million empty fields."""
    path = directory / "csv_wide_row.csv"
    with open(path, "w", encoding="utf-8") as target:
        target.write(",".join(HEADERS) + "\n")
        target.write("," * max(int(10 * MB * scale) - 200, 1000) + "\n")
    return path


def html_renamed(directory: Path, scale: float) -> Path:
    """A web page exported by another system and saved as .xlsx."""
    path = directory / "html_renamed.xlsx"
    cells = "".join(f"<td>{h}</td>" for h in HEADERS)
    path.write_text(
        f'<html><head><meta charset="utf-8"></head><body><table><tr>{cells}</tr></table></body></html>',
        encoding="utf-8",
    )
    return path


def legit_rows(directory: Path, scale: float) -> Path:
    """A legitimate workbook of 50,000 rows with shared strings, as Excel saves it."""
    rows_count = max(int(50_000 * scale), 10)
    texts = ["合格", "学员", *(f"教师{i}" for i in range(rows_count))]
    texts += [f"65010219850615{i:04d}" for i in range(rows_count)]

    def strings() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()
        for text in texts:
            yield f"<si><t>{text}</t></si>".encode()
        yield b"</sst>"

    def rows() -> Iterator[str]:
        yield header_row()
        for i in range(rows_count):
            r = i + 2
            yield (
                f'<row r="{r}"><c r="A{r}" t="s"><v>{2 + rows_count + i}</v></c>'
                f'<c r="B{r}" t="s"><v>{2 + i}</v></c>'
                f'<c r="C{r}" t="inlineStr"><is><t>XJ2025RE{i % 700:04d}</t></is></c>'
                f'<c r="D{r}"><v>40</v></c><c r="E{r}"><v>0</v></c>'
                f'<c r="F{r}" t="s"><v>0</v></c><c r="G{r}" t="s"><v>1</v></c>'
                f'<c r="H{r}"><v>45717</v></c></row>'
            )

    return write_workbook(directory / "legit_rows.xlsx", sheet_xml(rows), strings=strings)


HOSTILE_FILES: dict[str, Callable[[Path, float], Path]] = {
    "cells_in_one_row": cells_in_one_row,
    "wide_rows": wide_rows,
    "one_huge_shared_string": one_huge_shared_string,
    "huge_inline_string": huge_inline_string,
    "long_inline_text": long_inline_text,
    "declared_huge_part": declared_huge_part,
    "zip_bomb": zip_bomb,
    "full_dimension": full_dimension,
    "deep_nesting": deep_nesting,
    "entity_expansion": entity_expansion,
    "many_members": many_members,
    "amplified_string": amplified_string,
    "every_cell_wrong": every_cell_wrong,
    "csv_wide_row": csv_wide_row,
    "html_renamed": html_renamed,
    "legit_rows": legit_rows,
}


# -- measuring ----------------------------------------------------------------------------------
def measure(path: Path, code_dir: Path, *, memory_limit_mb: int, timeout: float) -> dict:
    """Read `path` with the project in `code_dir`, in a new process; return its figures."""
    started = time.monotonic()
    child = subprocess.Popen(  # noqa: S603 our own interpreter and script
        [sys.executable, "-c", CHILD, str(path), path.name, str(memory_limit_mb)],
        cwd=code_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    status, usage, killed, peak = None, None, False, 0.0
    while status is None:
        peak = max(peak, _high_water_mb(child.pid))
        pid, status_code, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            status = status_code
            break
        if time.monotonic() - started > timeout:
            os.killpg(child.pid, signal.SIGKILL)
            killed = True
            _pid, status, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.05)
    seconds = time.monotonic() - started
    out = child.stdout.read().decode(errors="replace").strip().splitlines()
    err = child.stderr.read().decode(errors="replace").strip().splitlines()
    child.stdout.close()
    child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    figures = {
        "process_seconds": round(seconds, 2),
        "peak_rss_mb": round(peak, 1),  # the child's own: ru_maxrss counts the parent's too
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
    }
    if killed:
        return figures | {"outcome": f"killed after {timeout:.0f} s"}
    if out and out[-1].startswith("{"):
        reported = json.loads(out[-1])
        reported["peak_rss_mb"] = max(reported["peak_rss_mb"], figures["peak_rss_mb"])
        return figures | reported
    return figures | {"outcome": "crashed: " + (err[-1] if err else f"exit {child.returncode}")}


class Command(BaseCommand):
    help = (
        "构造恶意上传文件（解压炸弹、超长字符串、巨量单元格等），在新进程中逐个读取，"
        "记录峰值内存、用时和结果；最后一行输出 JSON。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size", type=float, default=1.0, help="攻击规模，1 为 issue #15 中的大小（默认 1）"
        )
        parser.add_argument("--seed", type=int, default=15, help="随机种子（默认 15）")
        parser.add_argument("--only", nargs="*", default=None, help="只测这些文件")
        parser.add_argument(
            "--baseline-dir", default="", help="另一份项目代码（如修改前的提交），同样测一遍"
        )
        parser.add_argument(
            "--memory-limit-mb", type=int, default=4096, help="子进程地址空间上限（默认 4096）"
        )
        parser.add_argument("--timeout", type=float, default=120, help="子进程超时秒数（默认 120）")
        parser.add_argument("--keep-dir", default="", help="把生成的文件保存到此目录")

    def handle(self, *args, **options):
        random.seed(options["seed"])
        names = options["only"] or list(HOSTILE_FILES)
        directory = Path(options["keep_dir"] or tempfile.mkdtemp(prefix="hostile-"))
        directory.mkdir(parents=True, exist_ok=True)
        code_dirs = {"after": Path(settings.BASE_DIR)}
        if options["baseline_dir"]:
            code_dirs = {"before": Path(options["baseline_dir"]), **code_dirs}
        results = {}
        try:
            for name in names:
                path = HOSTILE_FILES[name](directory, options["size"])
                entry = {"file_mb": round(path.stat().st_size / MB, 3)}
                if zipfile.is_zipfile(path):
                    with zipfile.ZipFile(path) as archive:
                        unpacked = sum(i.file_size for i in archive.infolist())
                    entry["unpacked_mb"] = round(unpacked / MB, 1)
                for label, code_dir in code_dirs.items():
                    entry[label] = measure(
                        path,
                        code_dir,
                        memory_limit_mb=options["memory_limit_mb"],
                        timeout=options["timeout"],
                    )
                results[name] = entry
                self.stdout.write(json.dumps({name: entry}, ensure_ascii=False))
        finally:
            if not options["keep_dir"]:
                shutil.rmtree(directory, ignore_errors=True)
        summary = {
            "machine": f"{platform.machine()} {os.cpu_count()} CPU, {_memory_gb()} GB",
            "python": platform.python_version(),
            "size": options["size"],
            "memory_limit_mb": options["memory_limit_mb"],
            "files": results,
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))


def _high_water_mb(pid: int) -> float:
    """Return the peak resident memory of the process `pid` so far (VmHWM), 0 once it is gone.

    VmHWM belongs to the process's address space, which exec replaces; ru_maxrss would also
    count the memory of the (v)forked parent before the exec.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _memory_gb() -> int:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return round(pages / 1024**3)
