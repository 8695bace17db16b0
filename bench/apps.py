from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Province-scale data generator (``generate_scale``) and the benchmark harness (bench/run.sh)."""

    name = "bench"
    verbose_name = "性能基准"
