"""Settings for pytest: same database choice as base (SQLite unless DATABASE_URL), fast hashing,
eager-free Celery (tests call job bodies directly or run a real worker where that is the point)."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # seed_demo and the demo helpers the tests use
DEBUG = False
SECRET_KEY = "test-only-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dyfz-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ALLOWED_HOSTS = ["*"]
TEST_REDIS_URL = env.str("REDIS_URL", default="")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than memory, so the Redis round-trip test can run a real Celery worker process
    # on the same test database (one file per pytest process; pytest-django deletes it).
    import os

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"dyfz-test-{os.getpid()}.sqlite3")
    }
