"""Orchestration of ``generate_scale``: guard the database, empty it, drop secondary indexes, load
the province (workers per county), rebuild indexes, reset sequences, analyze, mark it generated."""

from __future__ import annotations

import json
import multiprocessing
import time

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, connections

from . import scale
from .scale import LOADED_TABLES, MARKER_PREFIX, Params

APP_LABELS = ("recruitment", "applicants", "reviews", "inspections", "quotas", "jobs")


class GenerationRefused(Exception):
    """Raised with a Chinese message when the database must not be (re)generated."""


def _raw(cursor):
    return getattr(cursor, "cursor", cursor)


def read_marker(cursor) -> dict | None:
    cursor.execute("SELECT obj_description('recruitment_organization'::regclass, 'pg_class')")
    comment = cursor.fetchone()[0] or ""
    if not comment.startswith(MARKER_PREFIX):
        return None
    return json.loads(comment[len(MARKER_PREFIX) :])


def existing_date(*, orgs: int, people: int, years: int, seed: int):
    """The generation date of a complete province with these parameters, if the database holds one."""
    import datetime as dt

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as c:
        marker = read_marker(_raw(c))
    if (
        marker
        and marker.get("complete")
        and (marker["orgs"], marker["people"], marker["years"], marker["seed"]) == (orgs, people, years, seed)
    ):
        return dt.date.fromisoformat(marker["today"])
    return None


def _write_marker(cursor, params: Params, complete: bool) -> None:
    d = json.loads(params.marker()[len(MARKER_PREFIX) :])
    d["complete"] = complete
    comment = MARKER_PREFIX + json.dumps(d, sort_keys=True)
    cursor.execute("COMMENT ON TABLE recruitment_organization IS %s", [comment])


def _has_data(cursor) -> bool:
    for table in ("recruitment_organization", "applicants_applicant", "recruitment_user"):
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        if cursor.fetchone()[0]:
            return True
    return False


def tables_to_empty() -> list[str]:
    existing = set(connection.introspection.table_names())
    names = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in APP_LABELS and model._meta.db_table in existing:
            names.append(model._meta.db_table)
    names += [t for t in scale.EXTRA_TRUNCATE if t in existing]
    return sorted(set(names) - scale.KEEP_TABLES)


def _connect_factory():
    settings = connection.settings_dict

    def connect():
        import psycopg2

        kwargs = {
            "dbname": settings["NAME"],
            "user": settings.get("USER") or None,
            "password": settings.get("PASSWORD") or None,
            "host": settings.get("HOST") or None,
            "port": settings.get("PORT") or None,
        }
        kwargs.update(settings.get("OPTIONS") or {})
        return psycopg2.connect(**{k: v for k, v in kwargs.items() if v is not None})

    return connect


# Worker state is inherited through fork (the province plan is large; nothing is pickled but indexes).
_PROVINCE: scale.Province | None = None
_CONNECT = None


def _worker(county_index: int) -> tuple[int, dict[str, int], float]:
    t0 = time.monotonic()
    conn = _CONNECT()
    try:
        with conn.cursor() as cur:
            cur.execute("SET synchronous_commit = off")
            counts = scale.write_county(cur, _PROVINCE, _PROVINCE.counties[county_index])
        conn.commit()
    finally:
        conn.close()
    return county_index, counts, time.monotonic() - t0


def generate(
    params: Params, *, jobs: int = 2, force: bool = False, regenerate: bool = False, vacuum: bool = True, log=print
) -> dict:
    """Generate the province. Returns {"skipped": bool, "counts": {...}, "seconds": {...}}."""
    global _PROVINCE, _CONNECT
    if connection.vendor != "postgresql":
        raise GenerationRefused(
            "generate_scale 只支持 PostgreSQL（使用 COPY 批量写入）。请设置 DATABASE_URL=postgres://…/dyfz_bench 后再运行；"
            "SQLite 上请使用 seed_demo 生成演示县。"
        )
    timings: dict[str, float] = {}
    t_start = time.monotonic()
    with connection.cursor() as c:
        cur = _raw(c)
        marker = read_marker(cur)
        wanted = json.loads(params.marker()[len(MARKER_PREFIX) :])
        if marker and marker.get("complete") and {k: marker.get(k) for k in wanted} == wanted and not regenerate:
            log(f"数据库中已是相同参数生成的省级数据（{params.orgs} 个组织，{params.people} 人），跳过生成")
            return {"skipped": True, "counts": {}, "seconds": {}}
        if marker is None and _has_data(cur) and not force:
            raise GenerationRefused(
                f"数据库 {connection.settings_dict['NAME']} 中已有数据，且不是 generate_scale 生成的；"
                "为防止覆盖真实数据，已拒绝执行。确认要清空该库时请加 --force。"
            )

        # A crashed earlier run may have left indexes dropped: put them back before anything else.
        if scale.pending_ddl(cur):
            log("上次生成未完成，先恢复索引和约束……")
            scale.restore_ddl(None, cur, 1, log)
        t0 = time.monotonic()
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # inside a transaction: no pending FK checks may block TRUNCATE
        cur.execute("DELETE FROM recruitment_ruledefinition WHERE jurisdiction_id IS NOT NULL")  # county rows
        cur.execute("TRUNCATE " + ", ".join(tables_to_empty()))
        _write_marker(cur, params, complete=False)
        scale.save_and_drop_ddl(cur, LOADED_TABLES)
        timings["prepare"] = time.monotonic() - t0

        filled = scale.fill_unknown_columns(connection)
        if filled:
            log("以下列按模型默认值填充：" + "，".join(filled))
        t0 = time.monotonic()
        province = scale.plan_province(params, make_password(scale.BENCH_PASSWORD))
        cur.execute("SET synchronous_commit = off")
        scale.copy_rows(cur, "recruitment_organization", scale.ORG_COLUMNS, province.org_lines)
        scale.copy_rows(cur, "recruitment_user", scale.USER_COLUMNS, province.user_lines)
        scale.copy_rows(cur, "recruitment_partymember", scale.MEMBER_COLUMNS, province.member_lines)
        counts = {
            "recruitment_organization": len(province.org_lines),
            "recruitment_user": len(province.user_lines),
            "recruitment_partymember": len(province.member_lines),
        }
        timings["tree"] = time.monotonic() - t0
        log(
            f"组织树：{len(province.org_lines)} 个组织，{len(province.counties)} 个县，"
            f"{len(province.member_lines)} 名党员名册，{timings['tree']:.1f} s"
        )

    t0 = time.monotonic()
    done = 0

    def add(county_counts):
        for t, n in county_counts.items():
            counts[t] = counts.get(t, 0) + n

    if jobs <= 1 or len(province.counties) == 1:
        with connection.cursor() as c:
            for plan in province.counties:
                add(scale.write_county(_raw(c), province, plan))
    else:
        connections.close_all()
        _PROVINCE, _CONNECT = province, _connect_factory()
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            for _index, county_counts, _secs in pool.imap_unordered(_worker, range(len(province.counties))):
                add(county_counts)
                done += 1
                if done % max(1, len(province.counties) // 10) == 0 or done == len(province.counties):
                    log(
                        f"  人员：{done}/{len(province.counties)} 个县，{counts.get('applicants_applicant', 0)} 人，"
                        f"{time.monotonic() - t0:.0f} s"
                    )
        _PROVINCE = None
    timings["people"] = time.monotonic() - t0
    log(
        f"人员与记录：{counts.get('applicants_applicant', 0)} 人，{counts.get('applicants_steprecord', 0)} 条步骤记录，"
        f"{counts.get('applicants_event', 0)} 条事件，{timings['people']:.1f} s"
    )

    with connection.cursor() as c:
        cur = _raw(c)
        t0 = time.monotonic()
        scale.restore_ddl(_connect_factory() if not connection.in_atomic_block else None, cur, jobs, log)
        timings["indexes"] = time.monotonic() - t0
        scale.reset_sequences(cur, LOADED_TABLES)
        t0 = time.monotonic()
        # Derived columns kept by the services (not written by COPY): everyone's next to-do item.
        from applicants.due import rebuild

        rebuilt = rebuild(today=params.today)
        from reviews.snapshot import rebuild as snapshot_rebuild

        entries = snapshot_rebuild()  # the person's snapshot on each ledger entry
        from django.core.cache import cache

        cache.clear()  # pages cached from an earlier generation: their change marks may be the same numbers
        timings["derived"] = time.monotonic() - t0
        log(f"下一待办：{rebuilt['active']} 名培养中人员；台账人员快照：{entries} 条；{timings['derived']:.1f} s")
        t0 = time.monotonic()
        if vacuum and not connection.in_atomic_block:
            for t in LOADED_TABLES:
                cur.execute(f"VACUUM (ANALYZE) {t}")
        else:
            for t in LOADED_TABLES:
                cur.execute(f"ANALYZE {t}")
        timings["analyze"] = time.monotonic() - t0
        _write_marker(cur, params, complete=True)
    timings["total"] = time.monotonic() - t_start
    return {"skipped": False, "counts": counts, "seconds": timings}
