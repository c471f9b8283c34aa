"""A task the worker under test loads with --include, to prove the queue path end to end."""

from celery import shared_task
from django.contrib.sites.models import Site


@shared_task
def rename_site(site_id: int, name: str) -> None:
    Site.objects.filter(pk=site_id).update(name=name)
