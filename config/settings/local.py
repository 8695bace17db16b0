"""Zero-setup local run: SQLite, the filesystem broker, emails written to var/mail."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env, env_bool

INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # seed_demo (requirements-demo.txt); not installed in production
DEBUG = env_bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
