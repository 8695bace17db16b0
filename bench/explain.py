"""Slowest SQL of a page, with its plan: ``python bench/explain.py USERNAME PATH [MIN_MS]``.
A diagnostic companion of measure.py (run against a generated province)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from recruitment.models import User  # noqa: E402


def main(username: str, path: str, min_ms: float = 20.0) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    client.get(path)
    with CaptureQueriesContext(connection) as q:
        status = client.get(path).status_code
    print(
        f"{path} as {username}: HTTP {status}, {len(q.captured_queries)} queries, "
        f"{sum(float(x['time']) for x in q.captured_queries) * 1000:.0f} ms SQL"
    )
    for x in sorted(q.captured_queries, key=lambda x: -float(x["time"])):
        ms = float(x["time"]) * 1000
        if ms < min_ms:
            break
        print(f"\n--- {ms:.0f} ms\n{x['sql'][:3000]}")
        with connection.cursor() as c:
            c.execute("EXPLAIN (ANALYZE, BUFFERS) " + x["sql"])
            print("\n".join(r[0] for r in c.fetchall()))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 20.0)
