"""Zero-setup local run: SQLite, the filesystem broker, emails written to var/mail."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env, env_bool, session_idle_seconds

INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # seed_demo (requirements-demo.txt); not installed in production
DEBUG = env_bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
# A developer's session lasts a working day and survives closing the browser (production: 30 idle minutes).
SESSION_COOKIE_AGE = session_idle_seconds(12 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)
