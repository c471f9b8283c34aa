import pytest
from django.contrib.sites.models import Site

from shop.celery import app
from tests.celery_probe import rename_site
from tests.support.services import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_a_task_queued_on_redis_is_run_by_a_worker_process(celery_worker):
    site = Site.objects.get_current()
    assert app.conf.broker_url.startswith("redis://")

    rename_site.delay(site.pk, "Renamed by the worker")

    wait_until(
        lambda: Site.objects.get(pk=site.pk).name == "Renamed by the worker",
        what="the worker to rename the site",
    )


def test_celery_defaults_suit_a_shop():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit > conf.task_soft_time_limit > 0
    assert conf.broker_transport_options["visibility_timeout"] >= 3600
