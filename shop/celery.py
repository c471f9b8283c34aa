import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_filesystem_queue() -> None:
    """kombu's filesystem transport needs its folders to exist before it starts."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)


if app.conf.broker_url.startswith("filesystem"):
    ensure_filesystem_queue()


@worker_ready.connect
def announce_ready(sender=None, **kwargs):
    print(f"Celery worker ready on {app.conf.broker_url.split('@')[-1]}", flush=True)
