"""Build the Xinjiang demo dataset and print the demo logins."""

import time

from django.core.management.base import BaseCommand

from demo.api_clients import ensure_demo_api_clients
from demo.data import DEMO_PASSWORD, demo_logins, seed_demo


class Command(BaseCommand):
    help = "生成新疆演示数据（行政区划、学校、教师、培训项目与记录）并列出演示账号；可重复运行。"

    def handle(self, *args, **options):
        started = time.perf_counter()
        built = seed_demo()
        seconds = time.perf_counter() - started
        if built:
            self.stdout.write(self.style.SUCCESS(f"演示数据已生成，用时 {seconds:.1f} 秒。"))
        else:
            self.stdout.write("演示数据已存在，未做改动。")
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}，仅供演示）：")
        for login in demo_logins():
            self.stdout.write(f"  {login.username:<18} {login.role:<10} {login.acts_for}")
        self.stdout.write("\n演示 API 令牌（Authorization: Bearer <令牌>，仅供演示）：")
        for issued in ensure_demo_api_clients():
            self.stdout.write(f"  {issued.token:<18} {issued.client.name}")
