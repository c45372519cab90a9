"""Settings of the portal server the browser tests start: the project's settings as in
production (DEBUG off, so error pages are the portal's own), with static files served
from the source folders instead of a ``collectstatic`` manifest."""

from partnership.settings import *  # noqa: F403

DEBUG = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Test passwords need no slow hashing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
