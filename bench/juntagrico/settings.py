"""A minimal Juntagrico project for `make bench-juntagrico` (runs in bench/.juntagrico-venv).

The apps, authentication backends, middleware and template settings are those Juntagrico's
installation guide lists; the database is var/bench/juntagrico.sqlite3 (JUNTAGRICO_DB
overrides it). DEBUG is off, as in production and as on the Coops side of the comparison.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DEBUG = False
SECRET_KEY = "bench-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "impersonate",
    "juntagrico",
    "crispy_forms",
    "crispy_bootstrap4",
    "adminsortable2",
    "polymorphic",
    "import_export",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get(
            "JUNTAGRICO_DB", str(BASE_DIR / "var" / "bench" / "juntagrico.sqlite3")
        ),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    }
}

ROOT_URLCONF = "urls"

AUTHENTICATION_BACKENDS = (
    "juntagrico.util.auth.AuthenticateWithEmail",
    "django.contrib.auth.backends.ModelBackend",
)

MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "impersonate.middleware.ImpersonateMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.media",
                "django.template.context_processors.static",
                "django.template.context_processors.tz",
                "django.contrib.messages.context_processors.messages",
                "juntagrico.context_processors.vocabulary",
            ],
        },
    }
]

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_URL = "/static/"
STATIC_ROOT = str(BASE_DIR / "var" / "bench" / "juntagrico-static")
LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
SITE_ID = 1
LOGIN_REDIRECT_URL = "/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap4"
CRISPY_TEMPLATE_PACK = "bootstrap4"
IMPERSONATE = {"REDIRECT_URL": "/my/profile"}
