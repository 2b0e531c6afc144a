"""
Django settings for shop project.
"""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only")
DEBUG = os.getenv("DJANGO_DEBUG", "0") == "1"

ALLOWED_HOSTS = ["*"]

DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "NAME": "shop",
                         "HOST": "db", "CONN_MAX_AGE": 60}}

DATABASES["reports"] = dj_database_url.config(
    env="REPORTS_DATABASE_URL",
    default="mysql://reports@db-replica:3306/shop",
    conn_max_age=int(os.environ.get("REPORTS_CONN_MAX_AGE", "0")),
)

DATABASES["cache"] = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": BASE_DIR / "cache.sqlite3",
}

DATABASES["default"]["USER"] = os.environ.get("DB_USER", "shop")
DATABASES["default"]["OPTIONS"] = {"charset": "utf8mb4"}

CELERY_WORKER_CONCURRENCY = 6
