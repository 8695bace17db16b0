"""The demo county (``manage.py seed_demo``): development, tests and demonstrations only.

Installed by ``config.settings.local`` and ``config.settings.test``, not in production; it imports
the production apps, and none of them imports it. Needs Faker (requirements-demo.txt).
"""
