"""Settings of the example Django project: no database, no apps, the demo site's pages served by views.py."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "example-only-not-secret"  # an example project: set a real one from the environment in yours
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS: list[str] = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "govsite.urls"
DATABASES: dict = {}
USE_TZ = True
DEFAULT_CHARSET = "utf-8"
