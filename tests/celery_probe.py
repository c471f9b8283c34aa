"""Loaded by the worker under test (--include): a task to prove the queue path end
to end, and a record of what the worker did, for tests to wait on.

With TEST_WORKER_EVENTS set, the worker appends one JSON line per event to that
file: {"event": "ready"} once it consumes, and {"event": "finished", "task":
name, "id": id, "state": "SUCCESS" | "RETRY" | "FAILURE" | ...} each time a task
run ends, from Celery's signals (not its log wording).
"""

import json
import os

from celery import shared_task
from celery.signals import task_postrun, worker_ready
from django.contrib.sites.models import Site

EVENTS = os.environ.get("TEST_WORKER_EVENTS")


@shared_task
def rename_site(site_id: int, name: str) -> None:
    Site.objects.filter(pk=site_id).update(name=name)


def _record(**event) -> None:
    if EVENTS:
        # One short write in append mode: lines from pool processes never interleave.
        with open(EVENTS, "a") as file:
            file.write(json.dumps(event) + "\n")


@shared_task
def barrier() -> None:
    """Does nothing: once it has run, whatever was queued before it on its queue has."""


@worker_ready.connect
def _ready(**kwargs):
    _record(event="ready")


@task_postrun.connect
def _finished(task_id=None, task=None, state=None, **kwargs):
    _record(event="finished", task=task.name, id=task_id, state=state)
