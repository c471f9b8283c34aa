"""Run as `python -m tests.shop.production_probe` with production settings in the
environment: asks the site for its home page over http and https and prints what
came back (headers, cookies, settings) as JSON for the test to check.

Static files are not collected in a test run, so the manifest storage is swapped
for the plain one while asking; the configured one is reported."""

import json

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
COOKIE_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "OSCAR_BASKET_COOKIE_SECURE",
)

found = {
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "settings": {name: getattr(settings, name) for name in COOKIE_SETTINGS},
}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": PLAIN_STATIC}):
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    insecure = client.get("/")
    response = client.get("/", secure=True)
found["insecure"] = [insecure.status_code, insecure.get("Location")]
found["status"] = response.status_code
found["headers"] = dict(response.headers)
found["cookies"] = {
    name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"])}
    for name, c in response.cookies.items()
}
print(json.dumps(found))
