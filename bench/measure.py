"""The benchmark driver (run by bench/run.sh on a generated province): measures the five parts and
writes a Markdown report. A part whose feature is not in the code yet is skipped with a note; a
part that crashes is reported and makes the exit status non-zero (CI smoke)."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from applicants.models import Applicant  # noqa: E402
from bench.generate import read_marker  # noqa: E402
from bench.scale import BENCH_PASSWORD, LOADED_TABLES  # noqa: E402
from recruitment.models import Organization, OrgLevel, User  # noqa: E402

TARGETS = {
    "compliance_s": 1.0,
    "compliance_ratio": 1.5,
    "stale_s": 2.0,
    "page_p95_ms": 100.0,  # the branch secretary's pages at 20 clients …
    "page_floor_share": 0.15,  # … and at least this share of the bare view's throughput (issue 14)
    "committee_p95_ms": 300.0,  # the committee's pages at 20 clients
    "dashboard_alone_ms": 1000.0,  # the department dashboard, one client
    "dashboard_p95_ms": 3000.0,  # … and at 5 clients
    "dashboard_clients": 5,
    "import_rows_s": 1000.0,
}


class Skipped(Exception):
    pass


def median(values):
    return statistics.median(values) if values else None


def timed(fn, runs: int):
    fn()  # warm-up: plans cached, buffers hot — the steady state a server sees
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median(times), times


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as q:
        fn()
    return len(q.captured_queries)


# --- context: who and what we measure ------------------------------------------------------------
class World:
    def __init__(self, today: dt.date):
        self.today = today
        self.year = today.year
        self.root = Organization.objects.get(parent=None)
        with connection.cursor() as c:
            # the busiest committee and branch of the year (most new members) — the realistic worst case
            c.execute(
                """
                SELECT substr(b.path, 1, 32), count(*) FROM applicants_applicant a
                JOIN recruitment_organization b ON b.id = a.admitted_branch_id
                WHERE a.admitted_on >= %s GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1""",
                [dt.date(self.year, 1, 1)],
            )
            prefix = c.fetchone()[0]
            c.execute(
                """
                SELECT a.branch_id, count(*) FROM applicants_applicant a
                JOIN recruitment_organization b ON b.id = a.branch_id
                WHERE a.status = 'active' AND b.path LIKE %s GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1""",
                [prefix + "%"],
            )
            branch_id = c.fetchone()[0]
        self.committee = Organization.objects.get(path=prefix)
        self.branch = Organization.objects.get(pk=branch_id)
        self.users = {
            "department": User.objects.get(organization=self.root, role="department"),
            "committee": User.objects.get(organization=self.committee, role="committee"),
            "branch": User.objects.get(organization=self.branch, role="branch"),
        }
        self.applicant_ids = list(
            Applicant.objects.filter(branch=self.branch)
            .order_by("current_step", "id")
            .values_list("id", flat=True)[:20]
        )

    def describe(self) -> str:
        return (
            f"省：{self.root.name}（{self.root.code}）；党委：{self.committee.name}（{self.committee.code}）；"
            f"党支部：{self.branch.name}（{self.branch.code}，{len(self.applicant_ids)} 名在册人员用于时间线页面）"
        )


# --- 1. compliance report vs the SQL floor ---------------------------------------------------------
FLOOR_SQL = """
SELECT count(*),
       count(*) FILTER (WHERE a.admitted_sector = '农村（社区）'), count(*) FILTER (WHERE a.admitted_sector = '非公企业'),
       count(*) FILTER (WHERE a.admitted_sector = '社会组织'), count(*) FILTER (WHERE a.admitted_sector = '机关事业单位'),
       count(*) FILTER (WHERE a.admitted_sector = '国有企业'), count(*) FILTER (WHERE a.admitted_age <= 35),
       count(*) FILTER (WHERE a.education IN ('研究生', '大学本科', '大学专科')),
       count(*) FILTER (WHERE a.gender = '女'), count(*) FILTER (WHERE a.frontline)
FROM applicants_applicant a JOIN recruitment_organization o ON o.id = a.admitted_branch_id
WHERE a.admitted_on >= %(start)s AND a.admitted_on < %(end)s AND o.path LIKE %(prefix)s;

SELECT count(*), count(*) FILTER (WHERE e.pending),
       count(*) FILTER (WHERE e.pending AND b.sector = '农村（社区）'), count(*) FILTER (WHERE e.pending AND b.sector = '非公企业'),
       count(*) FILTER (WHERE e.pending AND b.sector = '社会组织'), count(*) FILTER (WHERE e.pending AND b.sector = '机关事业单位'),
       count(*) FILTER (WHERE e.pending AND b.sector = '国有企业')
FROM reviews_ledgerentry e JOIN recruitment_organization b ON b.id = e.branch_id
WHERE e.year = %(year)s AND e.status <> 'failed' AND b.path LIKE %(prefix)s;

SELECT count(*) FILTER (WHERE a.birth_date > %(youth)s),
       count(*) FILTER (WHERE a.education IN ('研究生', '大学本科', '大学专科')),
       count(*) FILTER (WHERE a.gender = '女'), count(*) FILTER (WHERE a.frontline)
FROM reviews_ledgerentry e JOIN applicants_applicant a ON a.id = e.applicant_id
JOIN recruitment_organization b ON b.id = e.branch_id
WHERE e.year = %(year)s AND e.status <> 'failed' AND e.pending AND b.path LIKE %(prefix)s;

SELECT count(*) FILTER (WHERE a.current_step < 3), count(*) FILTER (WHERE a.current_step >= 3 AND a.current_step < 7),
       count(*) FILTER (WHERE a.current_step >= 7)
FROM applicants_applicant a JOIN recruitment_organization b ON b.id = a.branch_id
WHERE a.status = 'active' AND a.current_step >= 1 AND a.current_step < 17 AND b.path LIKE %(prefix)s;
"""


def floor_sql(org: Organization) -> list[str]:
    """The floor's statements. For the only root a hand-writer leaves the subtree condition out
    (every organization is in it), and so does the selector: both then read without that join."""
    statements = [s for s in FLOOR_SQL.split(";") if s.strip()]
    if org.spans_everything():
        statements = [
            statements[0]
            .replace("JOIN recruitment_organization o ON o.id = a.admitted_branch_id", "")
            .replace("AND o.path LIKE %(prefix)s", "AND a.admitted_branch_id IS NOT NULL"),
            statements[1].replace("AND b.path LIKE %(prefix)s", ""),
            statements[2]
            .replace("JOIN recruitment_organization b ON b.id = e.branch_id", "")
            .replace("AND b.path LIKE %(prefix)s", ""),
            statements[3]
            .replace("JOIN recruitment_organization b ON b.id = a.branch_id", "")
            .replace("AND b.path LIKE %(prefix)s", ""),
        ]
    return statements


def floor_queries(org: Organization, year: int, today: dt.date):
    youth = dt.date(today.year - 36, today.month, min(today.day, 28))
    args = {
        "start": dt.date(year, 1, 1),
        "end": dt.date(year + 1, 1, 1),
        "prefix": org.path + "%",
        "year": year,
        "youth": youth,
    }
    out = []
    with connection.cursor() as c:
        for sql in floor_sql(org):
            c.execute(sql, args)
            out.append(c.fetchone())
    return out


def part_compliance(w: World, runs: int) -> dict:
    if "compliance_report" not in get_commands():
        raise Skipped("compliance_report 命令尚未合并（quotas 分支）")
    from quotas.selectors import compliance_for_year

    rows = []
    for label, org in (("全省", w.root), (f"一个党委（{w.committee.name}）", w.committee)):

        def report(org=org):
            out = io.StringIO()
            call_command("compliance_report", year=w.year, org=org.code, format="json", stdout=out)
            return json.loads(out.getvalue())

        data = report()
        floor = floor_queries(org, w.year, w.today)
        # same filters: the floor must find the same numbers as the report
        same = data["admitted"] == floor[0][0] and data["expected"] == floor[1][1]
        t_cmd, _ = timed(report, runs)
        t_sel, _ = timed(lambda org=org: compliance_for_year(org=org, year=w.year), runs)
        t_floor, _ = timed(lambda org=org: floor_queries(org, w.year, w.today), runs)
        rows.append(
            {
                "scope": label,
                "admitted": data["admitted"],
                "expected": data["expected"],
                "command_s": t_cmd,
                "selector_s": t_sel,
                "floor_s": t_floor,
                "ratio": t_cmd / t_floor if t_floor else None,
                "queries": count_queries(lambda org=org: compliance_for_year(org=org, year=w.year)),
                "same_numbers": same,
            }
        )
    return {"rows": rows}


# --- 2. stale-organization scan ---------------------------------------------------------------------
def part_stale(w: World, runs: int) -> dict:
    if "stale_orgs" not in get_commands():
        raise Skipped("stale_orgs 命令尚未合并（jobs 分支）")

    def scan():
        out = io.StringIO()
        call_command("stale_orgs", as_of=w.today.isoformat(), format="json", stdout=out)
        return json.loads(out.getvalue())

    data = scan()
    t, _ = timed(scan, runs)
    branches = Organization.objects.filter(level=OrgLevel.BRANCH).count()
    return {
        "seconds": t,
        "queries": count_queries(scan),
        "branches": branches,
        "red": len(data["red"]),
        "watch": len(data["watch"]),
    }


# --- 3. pages under load (wrk against gunicorn), with /healthz as the floor --------------------------
def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk")


def _group_cpu_seconds(pgid: int) -> float:
    """User + system CPU of every live process in the process group (gunicorn master and workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 (pgrp) counted after the command name
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Gunicorn:
    def __init__(self, port: int, workers: int, worker_class: str = "sync", threads: int = 1):
        self.port, self.workers, self.proc = port, workers, None
        self.worker_class, self.threads = worker_class, threads

    def cpu_seconds(self) -> float:
        return _group_cpu_seconds(self.proc.pid)

    def __enter__(self):
        env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "config.wsgi",
                "--workers",
                str(self.workers),
                "--worker-class",
                self.worker_class,
                "--threads",
                str(self.threads),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn 未能启动，日志：{self.log.name}")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own process group only
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def http_login(port: int, user: str) -> tuple[str, str]:
    """Log in over HTTP like a browser (GET the form for the CSRF token, POST the credentials);
    returns (sessionid, csrftoken)."""
    import http.cookiejar
    import re
    import urllib.parse

    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    base = f"http://127.0.0.1:{port}"
    html = opener.open(f"{base}/login/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": user, "password": BENCH_PASSWORD}).encode()
    req = urllib.request.Request(f"{base}/login/", data=body, headers={"Referer": f"{base}/login/"})
    try:
        opener.open(req, timeout=60)
    except urllib.error.HTTPError as exc:
        if exc.code != 302:
            raise
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"{user} 登录失败")
    return cookies["sessionid"], cookies["csrftoken"]


class TooSlow(RuntimeError):
    """No request of a page finished within wrk's timeout: a measured miss, not a broken run."""


def run_wrk(wrk: str, port: int, user: str, paths: list[str], seconds: int, clients: int, check: bool = True) -> dict:
    session, csrf = http_login(port, user)
    env = {
        **os.environ,
        "BENCH_USER": user,
        "BENCH_PASSWORD": BENCH_PASSWORD,
        "BENCH_SESSION": session,
        "BENCH_CSRF": csrf,
    }
    cmd = [
        wrk,
        f"-t{min(2, clients)}",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench/wrk_session.lua"),
        f"http://127.0.0.1:{port}",
        "--",
        *paths,
    ]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60)
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            result = json.loads(line[len("WRKJSON ") :])
            if check and result["ok"] == 0 and result["bad"] == 0:
                raise TooSlow(f"{clients} 个并发连接下 {seconds} s 内没有一个请求完成（wrk 超时 10 s）")
            if check and (result["ok"] == 0 or result["bad"] > 0):
                raise RuntimeError(f"wrk: {result['bad']} 个非 200 响应，{result['ok']} 个 200（{user} {paths[0]}）")
            return result
    raise RuntimeError(f"wrk 输出无法解析：{out.stdout[-500:]} {out.stderr[-500:]}")


def page_targets(w: World) -> list[tuple[str, str, list[str], str]]:
    """(label, user, paths, kind): kind is floor / branch / committee / dashboard (its targets)."""
    u = w.users
    branch = u["branch"].username
    targets = [
        ("/healthz（裸视图，吞吐下限基准）", branch, ["/healthz"], "floor"),
        ("首页（党支部书记）", branch, ["/"], "branch"),
        ("发展对象列表（党支部书记）", branch, ["/applicants/"], "branch"),
        ("个人时间线（党支部书记，轮换本支部人员）", branch, [f"/applicants/{i}/" for i in w.applicant_ids], "branch"),
        (
            "一人一档（党支部书记，轮换本支部人员）",
            branch,
            [f"/applicants/{i}/archive/" for i in w.applicant_ids],
            "branch",
        ),
        ("待办提醒（党支部书记）", branch, ["/applicants/todo/"], "branch"),
        ("发展对象列表（党委组织员）", u["committee"].username, ["/applicants/"], "committee"),
        ("待办提醒（党委组织员）", u["committee"].username, ["/applicants/todo/"], "committee"),
    ]
    if "compliance_report" in get_commands():
        targets.append(("结构比例看板（省委组织部）", u["department"].username, ["/quotas/dashboard/"], "dashboard"))
    return targets


def page_verdict(r: dict) -> bool | None:
    """The issue's target for the row's kind (None: the floor, no target)."""
    if r["p95_ms"] is None or r["timeouts"]:
        return False if r["kind"] != "floor" else None
    if r["kind"] == "branch":
        return r["p95_ms"] < TARGETS["page_p95_ms"] and (r["floor_share"] or 0) >= TARGETS["page_floor_share"]
    if r["kind"] == "committee":
        return r["p95_ms"] < TARGETS["committee_p95_ms"]
    if r["kind"] == "dashboard":
        alone = r.get("alone_ms")
        return alone is not None and alone < TARGETS["dashboard_alone_ms"] and r["p95_ms"] < TARGETS["dashboard_p95_ms"]
    return None


def part_pages(
    w: World, port: int, seconds: int, runs: int, clients: int, workers: int, worker_class="sync", threads=1
) -> dict:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("applicants:list")
    except NoReverseMatch as exc:
        raise Skipped("党支部页面尚未合并（ui 分支）") from exc
    wrk = ensure_wrk()
    rows = []
    for label, user, paths, kind in page_targets(w):
        n_clients = TARGETS["dashboard_clients"] if kind == "dashboard" else clients
        row = {
            "page": label,
            "user": user,
            "path": paths[0] if len(paths) == 1 else f"{paths[0]} …（{len(paths)} 个）",
            "kind": kind,
            "clients": n_clients,
            "alone_ms": None,
            "p50_ms": None,
            "p95_ms": None,
            "rps": None,
            "requests": 0,
            "timeouts": 0,
            "cpu_ms": None,
            "note": "",
        }
        # A fresh server per page: requests a slow page leaves queued must not leak into the next one.
        with Gunicorn(port, workers, worker_class, threads) as server:
            try:
                run_wrk(
                    wrk, port, user, paths, 2, n_clients, check=False
                )  # warm-up (imports, plans, caches): not counted
                if kind == "dashboard":  # one client alone first: the page's own latency
                    row["alone_ms"] = run_wrk(wrk, port, user, paths, seconds, 1)["p50_ms"]
                cpu0 = server.cpu_seconds()
                results = [run_wrk(wrk, port, user, paths, seconds, n_clients) for _ in range(runs)]
                served = sum(r["ok"] + r["bad"] for r in results)
                # CPU of the server's processes per request served (the logins of run_wrk included:
                # one per run, negligible against thousands of requests).
                row["cpu_ms"] = (server.cpu_seconds() - cpu0) * 1000 / served if served else None
                row.update(
                    p50_ms=median([r["p50_ms"] for r in results]),
                    p95_ms=median([r["p95_ms"] for r in results]),
                    rps=median([r["rps"] for r in results]),
                    requests=sum(r["ok"] for r in results),
                    timeouts=sum(r["errors"] for r in results),
                )
            except (OSError, subprocess.TimeoutExpired, TooSlow) as exc:  # too slow to answer under this load
                row["note"] = f"负载下无法在时限内完成：{type(exc).__name__}: {exc}"[:300]
        rows.append(row)
        print(
            f"[bench]   {label}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, {row['rps']} req/s {row['note']}",
            flush=True,
        )
    floor, floor_cpu = rows[0]["rps"], rows[0]["cpu_ms"]
    for r in rows:
        r["floor_share"] = r["rps"] / floor if floor and r["rps"] is not None else None
        r["cpu_ratio"] = r["cpu_ms"] / floor_cpu if floor_cpu and r.get("cpu_ms") is not None else None
    return {
        "rows": rows,
        "clients": clients,
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads,
        "seconds": seconds,
        "runs": runs,
    }


# --- 4. ledger import ---------------------------------------------------------------------------------
def part_import(w: World, rows_n: int) -> dict:
    if "import_ledger" not in get_commands():
        raise Skipped("import_ledger 命令尚未合并（ledger 分支）")
    from bench.ledger_file import write_ledger_file

    codes = list(Organization.objects.subtree(w.committee).branches().order_by("code").values_list("code", flat=True))
    path = Path(tempfile.mkdtemp(prefix="bench-ledger-")) / "ledger.csv"
    write_ledger_file(path, rows=rows_n, branch_codes=codes, today=dt.date.today())
    user = w.users["department"].username
    dry = io.StringIO()
    t0 = time.perf_counter()
    call_command("import_ledger", str(path), format="json", dry_run=True, user=user, stdout=dry)
    dry_seconds = time.perf_counter() - t0
    out = io.StringIO()
    t0 = time.perf_counter()
    call_command("import_ledger", str(path), format="json", user=user, stdout=out)
    seconds = time.perf_counter() - t0
    report = json.loads(out.getvalue())
    bad = [r for r in report.get("rows", []) if not r.get("ok")]
    # the imported people are removed again so the province stays as generated (and runs repeat)
    _remove_imported(path)
    if bad:
        raise RuntimeError(f"{len(bad)} 行导入失败，例如：{bad[:3]}")
    return {
        "rows": rows_n,
        "seconds": seconds,
        "rows_s": rows_n / seconds,
        "dry_run_s": dry_seconds,
        "imported": report.get("imported"),
        "branches": len(codes),
    }


def _remove_imported(path: Path) -> None:
    import csv

    with open(path, encoding="utf-8-sig") as f:
        ids = [r["公民身份号码"] for r in csv.DictReader(f)]
    applicants = list(Applicant.objects.filter(id_number__in=ids).values_list("id", "member_id"))
    app_ids = [a for a, _ in applicants]
    member_ids = [m for _, m in applicants if m]
    with connection.cursor() as c:
        for table in (
            "applicants_applicantperson",
            "applicants_training",
            "applicants_assessment",
            "applicants_event",
            "applicants_steprecord",
            "applicants_historicalapplicant",
        ):
            c.execute(
                f"DELETE FROM {table} WHERE "
                + ("id" if table.endswith("historicalapplicant") else "applicant_id")
                + " = ANY(%s)",
                [app_ids],
            )
        c.execute("DELETE FROM applicants_applicant WHERE id = ANY(%s)", [app_ids])
        c.execute("DELETE FROM recruitment_partymember WHERE id = ANY(%s)", [member_ids])


# --- 5. SQL queries per page ------------------------------------------------------------------------------
def part_queries(w: World) -> dict:
    rows = []
    client = Client(HTTP_HOST="127.0.0.1")
    for label, user, paths, _ in page_targets(w):
        client.force_login(User.objects.get(username=user))
        path = paths[0]
        cold = []  # the page drawn anew: the cache emptied first (as after a write behind it)
        for _ in range(3):
            cache.clear()
            client.force_login(User.objects.get(username=user))
            reset_queries()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as q_cold:
                response = client.get(path)
            cold.append((time.perf_counter() - started) * 1000)
            # read now: captured_queries slices the connection's log, which the next request empties
            cold_queries = list(q_cold.captured_queries)
            if response.status_code != 200:
                raise RuntimeError(f"{path} 返回 {response.status_code}")
        client.get(path)  # warm
        reset_queries()
        with CaptureQueriesContext(connection) as q:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} 返回 {response.status_code}")
        rows.append(
            {
                "page": label,
                "path": path,
                "queries": len(q.captured_queries),
                "sql_ms": sum(float(x["time"]) for x in q.captured_queries) * 1000,
                "cold_queries": len(cold_queries),
                "cold_sql_ms": sum(float(x["time"]) for x in cold_queries) * 1000,
                "cold_ms": median(cold),
            }
        )
    return {"rows": rows}


# --- report ---------------------------------------------------------------------------------------
def machine() -> dict:
    mem = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    with connection.cursor() as c:
        c.execute("SHOW server_version")
        pg = c.fetchone()[0]
        c.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = c.fetchone()[0]
        c.execute(
            "SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size')"
        )
        settings = ", ".join(f"{n}={s}{u or ''}" for n, s, u in c.fetchall())
        counts = {}
        for t in LOADED_TABLES:
            c.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [t])
            est = c.fetchone()[0]
            if est < 200_000:
                c.execute(f"SELECT count(*) FROM {t}")
                est = c.fetchone()[0]
            counts[t] = est
    return {
        "nproc": os.cpu_count(),
        "memory": mem,
        "cpu": platform.processor() or platform.machine(),
        "load": os.getloadavg(),
        "postgres": pg,
        "pg_settings": settings,
        "db_size": size,
        "counts": counts,
        "python": platform.python_version(),
    }


def fmt(v, digits=3):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def verdict(ok: bool) -> str:
    return "✅ 达标" if ok else "❌ 未达标"


def render(scale: str, started: dt.datetime, m: dict, w: World | None, parts: dict, marker: dict | None) -> str:
    L = []
    L.append(f"# 基准测试结果（{'省级规模' if scale == 'full' else scale}）\n")
    L.append(f"- 日期：{started:%Y-%m-%d %H:%M}（数据“今天”为 {marker.get('today') if marker else '—'}）")
    L.append(
        f"- 机器：{m['nproc']} 核（{m['cpu']}），内存 {m['memory']}，写报告时负载 {', '.join(f'{x:.2f}' for x in m['load'])}"
        "（含刚结束的测量本身；负载须在测量前确认为空闲）"
    )
    L.append(f"- PostgreSQL {m['postgres']}（{m['pg_settings']}），Python {m['python']}")
    if marker:
        L.append(
            f"- 数据：generate_scale --orgs {marker['orgs']} --people {marker['people']} --years {marker['years']} "
            f"--seed {marker['seed']}；数据库大小 {m['db_size']}"
        )
    L.append("- 行数（20 万行以上的表为 pg_class 估计值）：" + "，".join(f"{t} {n:,}" for t, n in m["counts"].items()))
    if w:
        L.append(f"- 测量对象：{w.describe()}")
    L.append("- 计时均为预热一次后多次运行的中位数；页面为 wrk 的多轮中位数。\n")

    def section(title, key, body):
        L.append(f"## {title}\n")
        p = parts.get(key)
        if p is None:
            L.append("未运行。\n")
        elif p["status"] == "skipped":
            L.append(f"跳过：{p['note']}\n")
        elif p["status"] == "failed":
            L.append(f"**失败**：\n\n```\n{p['note']}\n```\n")
        else:
            body(p["data"])
            L.append("")

    def compliance(d):
        L.append(
            "| 范围 | 新党员 | 预计 | 命令 compliance_report (s) | 选择器 (s) | SQL 下限 (s) | 倍数 | 查询数 | 结果一致 | 目标 |"
        )
        L.append("|---|---|---|---|---|---|---|---|---|---|")
        for r in d["rows"]:
            ok = r["command_s"] < TARGETS["compliance_s"] and (r["ratio"] or 0) <= TARGETS["compliance_ratio"]
            L.append(
                f"| {r['scope']} | {r['admitted']} | {r['expected']} | {fmt(r['command_s'])} | {fmt(r['selector_s'])} | "
                f"{fmt(r['floor_s'])} | {fmt(r['ratio'], 2)}× | {r['queries']} | {'是' if r['same_numbers'] else '否'} | "
                f"{verdict(ok)}（≤1.5× 且 <1 s） |"
            )
        L.append(
            "\nSQL 下限：与选择器相同过滤条件的三条手写聚合（当年新党员、当年台账预计、后备力量），经同一连接直接执行；全省口径（唯一的根组织）两边都不加子树条件、不连接组织表。"
        )

    def stale(d):
        L.append("| 党支部数 | 红色 | 关注 | 用时 (s) | 查询数 | 目标 |")
        L.append("|---|---|---|---|---|---|")
        L.append(
            f"| {d['branches']} | {d['red']} | {d['watch']} | {fmt(d['seconds'])} | {d['queries']} | "
            f"{verdict(d['seconds'] < TARGETS['stale_s'])}（<2 s） |"
        )

    def pages(d):
        L.append(
            f"gunicorn {d['workers']} 个 {d.get('worker_class', 'sync')} worker"
            f"{'（每个 ' + str(d['threads']) + ' 线程）' if d.get('threads', 1) > 1 else ''}，"
            f"wrk {d['clients']} 个并发连接（结构比例看板 {TARGETS['dashboard_clients']} 个，另测单独一个），"
            f"每轮 {d['seconds']} s × {d['runs']} 轮。"
            "CPU/请求：测量期间 gunicorn 各进程的 CPU 时间 ÷ 处理的请求数；倍数为相对裸视图（/healthz）。\n"
        )
        L.append(
            "| 页面 | 账号 | 路径 | p50 (ms) | p95 (ms) | 吞吐 (req/s) | 占裸视图吞吐 | CPU/请求 (ms) | CPU 倍数 | 超时 "
            "| 目标 |"
        )
        L.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in d["rows"]:
            target = "—"
            ok = page_verdict(r)
            if ok is not None:
                target = (
                    verdict(ok)
                    + {
                        "branch": f"（p95 <{TARGETS['page_p95_ms']:.0f} ms，≥{TARGETS['page_floor_share']:.0%} 裸视图吞吐）",
                        "committee": f"（p95 <{TARGETS['committee_p95_ms']:.0f} ms）",
                        "dashboard": f"（单独 {fmt(r.get('alone_ms'), 0)} ms <{TARGETS['dashboard_alone_ms']:.0f} ms；"
                        f"{r['clients']} 并发 p95 <{TARGETS['dashboard_p95_ms']:.0f} ms）",
                    }[r["kind"]]
                )
            share = fmt(r["floor_share"] * 100, 1) + "%" if r["floor_share"] is not None else "—"
            L.append(
                f"| {r['page']} | {r['user']} | `{r['path']}` | {fmt(r['p50_ms'], 1)} | {fmt(r['p95_ms'], 1)} | "
                f"{fmt(r['rps'], 1)} | {share} | {fmt(r.get('cpu_ms'), 2)} | "
                f"{fmt(r.get('cpu_ratio'), 1) + '×' if r.get('cpu_ratio') is not None else '—'} | "
                f"{r['timeouts']} | {target} {r['note']} |"
            )
        L.append(
            "\n超时：wrk 10 s 内未得到响应的请求（不计入延迟分位数）。页面正文按数据的版本缓存"
            "（recruitment/fragments.py）：预热后各页面读的是缓存，测量期间没有写入；有写入时，被写到的人和范围的页面重绘一次。"
        )

    def importing(d):
        L.append("| 行数 | 党支部数 | 校验（--dry-run）(s) | 导入 (s) | 行/秒 | 目标 |")
        L.append("|---|---|---|---|---|---|")
        L.append(
            f"| {d['rows']} | {d['branches']} | {fmt(d['dry_run_s'])} | {fmt(d['seconds'])} | {fmt(d['rows_s'], 0)} | "
            f"{verdict(d['rows_s'] >= TARGETS['import_rows_s'])}（≥1000 行/秒） |"
        )
        L.append(
            "\n文件为新人员（各阶段均有，日期符合规则），以省委组织部账号导入；测量后删除导入的人员，数据库恢复为生成时的状态。"
        )

    def queries(d):
        L.append(
            "| 页面 | 路径 | SQL 查询数 | SQL 用时合计 (ms) | 缓存清空后：用时 (ms) | 缓存清空后：查询数 | 缓存清空后：SQL (ms) |"
        )
        L.append("|---|---|---|---|---|---|---|")
        for r in d["rows"]:
            L.append(
                f"| {r['page']} | `{r['path']}` | {r['queries']} | {fmt(r['sql_ms'], 1)} | {fmt(r.get('cold_ms'), 0)} | "
                f"{r.get('cold_queries', '—')} | {fmt(r.get('cold_sql_ms'), 1)} |"
            )
        L.append(
            "\n经测试客户端在测量进程内请求（不经 gunicorn）。缓存清空后：页面重绘一次的代价（三次的中位数），"
            "即页面背后的数据有写入后第一次打开的用时；其后的请求读缓存。"
        )

    section("1. 比例达标报告（compliance_report）与 SQL 下限", "compliance", compliance)
    section("2. 未发展党员组织扫描（stale_orgs）", "stale", stale)
    section("3. 页面并发（20 个客户端）", "pages", pages)
    section("4. 台账导入（import_ledger，10,000 行）", "import", importing)
    section("5. 每个页面的 SQL 查询数", "queries", queries)
    analysis = ROOT / "bench/ANALYSIS.md"
    if analysis.exists() and scale == "full":
        L.append(analysis.read_text())
    return "\n".join(L) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="full")
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--wrk-runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--worker-class", default="sync", help="gunicorn worker class: sync 或 gthread")
    ap.add_argument("--threads", type=int, default=1, help="gthread 每个 worker 的线程数")
    ap.add_argument("--port", type=int, default=8106)
    ap.add_argument("--import-rows", type=int, default=10_000)
    ap.add_argument("--only", default="", help="逗号分隔：compliance,stale,pages,import,queries")
    ap.add_argument("--render-only", action="store_true", help="不测量，只用上次保存的结果重写报告")
    args = ap.parse_args()
    started = dt.datetime.now()
    with connection.cursor() as c:
        marker = read_marker(c.cursor if hasattr(c, "cursor") else c)
    today = dt.date.fromisoformat(marker["today"]) if marker else dt.date.today()
    m = machine()
    w = World(today)
    only = set(filter(None, args.only.split(",")))
    if args.render_only:
        only = {"none"}
    parts: dict[str, dict] = {}
    plan = [
        ("compliance", lambda: part_compliance(w, args.runs)),
        ("stale", lambda: part_stale(w, args.runs)),
        (
            "pages",
            lambda: part_pages(
                w, args.port, args.seconds, args.wrk_runs, args.clients, args.workers, args.worker_class, args.threads
            ),
        ),
        ("import", lambda: part_import(w, args.import_rows)),
        ("queries", lambda: part_queries(w)),
    ]
    # With --only, the other parts keep their last measured values (same scale), so one report holds all five.
    saved = ROOT / "bench/out" / f"parts-{args.scale}.json"
    if only and saved.exists():
        parts.update({k: v for k, v in json.loads(saved.read_text()).items() if k not in only})
    failed = False
    for key, fn in plan:
        if only and key not in only:
            continue
        print(f"[bench] {key} …", flush=True)
        t0 = time.monotonic()
        try:
            parts[key] = {"status": "ok", "data": fn()}
        except Skipped as exc:
            parts[key] = {"status": "skipped", "note": str(exc)}
        except Exception:
            failed = True
            parts[key] = {"status": "failed", "note": traceback.format_exc()[-3000:]}
        print(f"[bench] {key}: {parts[key]['status']} ({time.monotonic() - t0:.1f} s)", flush=True)
        if parts[key]["status"] == "ok":
            print(json.dumps(parts[key]["data"], ensure_ascii=False, default=str)[:2000], flush=True)
        elif parts[key]["status"] == "failed":
            print(parts[key]["note"], file=sys.stderr, flush=True)
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(parts, ensure_ascii=False, default=str))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(render(args.scale, started, m, w, parts, marker))
    print(f"[bench] 结果已写入 {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
