"""Credit a JSON payload under a policy and print the result as JSON (the simulator contract)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from credits.services import simulate_credits

# Why a file could not be opened, in words (OSError.strerror is English).
OPEN_ERRORS = (
    (FileNotFoundError, gettext_lazy("文件不存在")),
    (IsADirectoryError, gettext_lazy("这是一个目录，不是文件")),
    (PermissionError, gettext_lazy("没有读取权限")),
)


class Command(BaseCommand):
    help = "按学分政策试算培训记录的学分与进度：读取 JSON 文件（- 表示标准输入），输出 JSON。"

    def add_arguments(self, parser):
        parser.add_argument("--policy", required=True, help="政策代码，如 xinjiang-2024")
        parser.add_argument("file", help="输入 JSON 文件路径；- 表示从标准输入读取")

    def handle(self, *args, **options):
        payload = self._read(options["file"])
        try:
            result = simulate_credits(policy_code=options["policy"], payload=payload)
        except DomainError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, cls=DjangoJSONEncoder, indent=2))

    def _read(self, path: str):
        """Return the JSON in `path` (or standard input), or raise a CommandError that says in
        Chinese what is wrong with the file: never a traceback."""
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as handle:
                    data = handle.read()
        except OSError as exc:
            reason = next(
                (text for kind, text in OPEN_ERRORS if isinstance(exc, kind)), _("读取失败")
            )
            raise CommandError(
                _("无法读取输入文件 %(path)s：%(reason)s。") % {"path": path, "reason": reason},
                returncode=2,
            ) from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(
                _(
                    "输入不是 UTF-8 编码的文本（第 %(position)d 个字节无法识别）。"
                    "请把文件另存为 UTF-8 编码后重试。"
                )
                % {"position": exc.start + 1},
                returncode=2,
            ) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("输入不是有效的 JSON（第 %(line)d 行第 %(column)d 列）：请检查引号、逗号和括号。")
                % {"line": exc.lineno, "column": exc.colno},
                returncode=2,
            ) from None
        except RecursionError:
            raise CommandError(_("输入的 JSON 嵌套层数过多，无法读取。"), returncode=2) from None
        except ValueError:  # an integer of more than 4,300 digits
            raise CommandError(_("输入中有位数过多的数字，无法读取。"), returncode=2) from None
