"""Benchmarks (`make bench`): the production stack (DEBUG off, cached templates, persistent
database connections, the full middleware) on plain HTTP on 127.0.0.1, plus the baseline view
in config/urls_bench.py. Never deployed: the key below is public and only signs bench
sessions."""

from .base import *  # noqa: F403

DEBUG = False
BENCH_ONLY_SECRET_KEY = "bench-only-insecure-key-never-deployed"  # noqa: S105
SECRET_KEY = BENCH_ONLY_SECRET_KEY
# "testserver" is the host django.test.Client uses for the per-page measurements.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "config.urls_bench"
# The load generator only needs errors; request logging would be measured too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
