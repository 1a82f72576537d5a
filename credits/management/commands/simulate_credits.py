"""Credit a JSON payload under a policy and print the result as JSON (the simulator contract)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from config.exceptions import DomainError
from credits.services import simulate_credits


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
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8-sig") as handle:
                    text = handle.read()
        except OSError as exc:
            raise CommandError(f"无法读取输入文件 {path}：{exc.strerror}", returncode=2) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"输入不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}",
                returncode=2,
            ) from None
