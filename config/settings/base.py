"""Settings shared by every environment. Every value that differs per deployment comes from the
environment through one ``environ.Env``; malformed values raise at start-up (ImproperlyConfigured)."""

import datetime as dt
import tempfile
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))


def _env_or_fail(fn, name, **kwargs):
    """Parse one variable; a malformed value stops the start with a message naming it."""
    try:
        return fn(name, **kwargs)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # environ raises ValueError and friends on bad input
        raise ImproperlyConfigured(f"环境变量 {name} 的值无效：{exc}") from exc


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Strict boolean: a typo such as DJANGO_DEBUG=ture fails instead of silently meaning False."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 的值无效：{raw!r}（应为 true/false）")


DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = _env_or_fail(env.list, "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = _env_or_fail(env.list, "DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "django_htmx",
    "csp",
    "axes",
    "recruitment",
    "applicants",
    "reviews",
    "documents",
    "inspections",
    "quotas",
    "jobs",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "recruitment.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "recruitment.middleware.PasswordChangeRequiredMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "recruitment.context_processors.navigation",
            ],
        },
    }
]

# --- Database: SQLite file by default, PostgreSQL (or any) via DATABASE_URL -------------------
DATABASES = {"default": _env_or_fail(env.db_url, "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if not DATABASES["default"].get("ENGINE"):
    raise ImproperlyConfigured(
        f"环境变量 DATABASE_URL 的值无效：{env.str('DATABASE_URL')!r}（如 postgres://user@host:5432/db）"
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server, the worker and beat share the file. IMMEDIATE takes the
    # write lock when a transaction begins, so a second writer waits (the busy timeout) and then reads
    # the winner's data, instead of failing with "database is locked" when its read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # The covering index for the year's admissions is a plain partial index on SQLite, as intended.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"]["CONN_MAX_AGE"] = _env_or_fail(env.int, "CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Sessions: an idle session ends after DJANGO_SESSION_IDLE_MINUTES; a request renews it (≤ 1/min) -----
def session_idle_seconds(default_minutes: int) -> int:
    minutes = _env_or_fail(env.int, "DJANGO_SESSION_IDLE_MINUTES", default=default_minutes)
    if minutes < 1:
        raise ImproperlyConfigured(f"环境变量 DJANGO_SESSION_IDLE_MINUTES 的值无效：{minutes}（应为正整数，单位分钟）")
    return minutes * 60


SESSION_COOKIE_AGE = session_idle_seconds(30)
SESSION_SAVE_EVERY_REQUEST = False  # renewed at most once a minute instead: recruitment.middleware
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_HTTPONLY = True

AUTH_USER_MODEL = "recruitment.User"
# Messages come in Chinese from Django's zh-hans catalogue (LANGUAGE_CODE below).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "recruitment.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},  # Chinese message
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from one IP
# address, that pair is refused — the right password included — for AXES_COOLOFF_TIME after the last
# attempt, or until department staff unlock it (组织与党员 → 登录锁定). The lockout page is Chinese.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before any password check
    "recruitment.backends.UserWithOrganizationBackend",  # ModelBackend, the organization read with the user
]
AXES_FAILURE_LIMIT = _env_or_fail(env.int, "DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_env_or_fail(env.int, "DJANGO_LOGIN_COOLOFF_MINUTES", default=30))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME <= dt.timedelta(0):
    raise ImproperlyConfigured("环境变量 DJANGO_LOGIN_FAILURE_LIMIT 与 DJANGO_LOGIN_COOLOFF_MINUTES 应为正整数")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a successful login clears that pair's earlier failures
AXES_VERBOSE = False  # no start-up banner on every manage.py command
AXES_LOCKOUT_CALLABLE = "recruitment.accounts.lockout_response"
AXES_COOLOFF_MESSAGE = "登录失败次数过多，账号已暂时锁定，请稍后再试或联系组织部工作人员解锁。"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，账号已锁定，请联系组织部工作人员解锁。"
# Behind reverse proxies the client's address is the X-Forwarded-For entry that the outermost of
# DJANGO_PROXY_COUNT proxies appended (entries left of it come from the client and are not trusted).
PROXY_COUNT = _env_or_fail(env.int, "DJANGO_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "recruitment.accounts.client_ip"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing root
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded files are never served by a public location: downloads go through views that check login
# and scope (recruitment.http.stored_attachment). "nginx" hands the file to the proxy with
# X-Accel-Redirect to PROTECTED_MEDIA_URL (an `internal;` location), "apache" with X-Sendfile (an
# absolute path); empty streams it through the application (README: Uploaded files).
PROTECTED_MEDIA_REDIRECT = env.str("DJANGO_PROTECTED_MEDIA_REDIRECT", default="").strip().lower()
if PROTECTED_MEDIA_REDIRECT not in {"", "nginx", "apache"}:
    raise ImproperlyConfigured(
        f"环境变量 DJANGO_PROTECTED_MEDIA_REDIRECT 的值无效：{PROTECTED_MEDIA_REDIRECT!r}（应为 nginx、apache 或留空）"
    )
PROTECTED_MEDIA_URL = "/protected-media/"
# The header the reverse proxy overwrites with the client's address (e.g. HTTP_X_REAL_IP), for the
# access log; empty: REMOTE_ADDR.
REAL_IP_HEADER = env.str("DJANGO_REAL_IP_HEADER", default="").strip()
# The ledger upload waits here between preview and confirm; files older than a day are removed.
LEDGER_UPLOAD_DIR = Path(
    env("DJANGO_LEDGER_UPLOAD_DIR", default=str(Path(tempfile.gettempdir()) / "dyfz-ledger-uploads"))
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Content-Security-Policy (django-csp), every environment: no inline script or style anywhere —
# behaviour lives in static/js/app.js (data attributes), data for scripts in json_script blocks.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True  # Django's default, kept explicit: X-Content-Type-Options: nosniff

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email: files by default, SMTP (or anything) via EMAIL_URL --------------------------------
EMAIL_FILE_PATH = Path(env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")))
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    vars().update(_env_or_fail(env.email_url, "EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="发展党员管理系统 <noreply@localhost>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport -------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"环境变量 REDIS_URL 的值无效：{REDIS_URL!r}（应以 redis:// 开头）")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_IGNORE_RESULT = True
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
# How long web requests wait for the broker before reporting that queuing failed.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **globals().get("CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# A dedicated queue name lets parallel test runs share one Redis without stealing each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")

# Every schedule of the project, in one place (times are Asia/Shanghai).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    # 未发展党员组织扫描: every night, as of that day.
    "stale-scan-nightly": {"task": "jobs.stale_scan_nightly", "schedule": crontab(hour=1, minute=30)},
    # 结构比例与预警月报 to department and committee staff: the 1st of each month, 08:00.
    "compliance-email-monthly": {
        "task": "jobs.compliance_monthly",
        "schedule": crontab(day_of_month=1, hour=8, minute=0),
    },
    # 到期提醒 to branch secretaries (谈话、半年考察、预备期满、审批临近三个月): every morning.
    "deadline-reminders-daily": {"task": "jobs.deadline_reminders_daily", "schedule": crontab(hour=7, minute=30)},
    # 下一待办 (applicants.due) recomputed for everyone: rule rows that came into force overnight.
    "due-rebuild-nightly": {"task": "jobs.due_rebuild_nightly", "schedule": crontab(hour=0, minute=20)},
    # The person's snapshot on the ledger entries (reviews/snapshot.py) rewritten from the people.
    "ledger-snapshot-nightly": {"task": "jobs.ledger_snapshot_nightly", "schedule": crontab(hour=0, minute=50)},
    "change-marks-prune": {"task": "jobs.change_marks_prune", "schedule": crontab(hour=1, minute=20)},
    # Re-queue jobs that could not be queued (broker down) and emails not yet sent.
    "jobs-requeue": {"task": "jobs.requeue", "schedule": crontab(minute="*/5")},
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# With Redis, a request reads its session from the cache (written through to the database): one query
# less on every page (issue 14). Local memory is per process, so without Redis the database alone.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # an expected 403/404 prints one line, not a traceback (config/log.py)
    "formatters": {
        "plain": {"()": "config.log.ConsoleFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
