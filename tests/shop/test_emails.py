import pytest
from django.core import mail
from oscar.apps.communication.models import CommunicationEventType
from oscar.apps.order.models import Order

from shop.core.outbox.models import Email
from shop.core.outbox.tasks import send_email

pytestmark = pytest.mark.django_db


def test_the_order_email_is_written_with_the_order_and_sent_once_however_often_it_runs(
    checkout, wrap, celery_eager, django_capture_on_commit_callbacks, settings
):
    checkout.up_to_payment(wrap)
    with django_capture_on_commit_callbacks(execute=True):
        checkout.place_order()

    order = Order.objects.get()
    email = Email.objects.get(kind="checkout.order_confirmation")
    assert email.context == {"order": order.pk} and email.status == Email.Status.SENT
    send_email.delay(email.pk)  # delivered again (a worker crash, the requeue)
    send_email.delay(email.pk)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jo@example.com"]
    assert order.number in message.subject
    assert message.alternatives[0][1] == "text/html"
    assert "<script" not in message.alternatives[0][0]
    assert f"://{settings.SITE_DOMAIN}/" in message.body  # the one source of links
    # Oscar's communication events are not used for it.
    assert not CommunicationEventType.objects.exists()
