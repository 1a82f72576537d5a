from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks (`bench_import`, `bench_api`, `bench_audit`, `bench_hostile_upload`):
    management commands whose figures are recorded in docs/benchmarks.md."""

    name = "bench"
    verbose_name = "性能测试"
