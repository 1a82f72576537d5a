from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo dataset (`seed_demo`): a realistic Xinjiang tree of units, schools and teachers."""

    name = "demo"
    verbose_name = "演示数据"
