import pytest
from django.core import mail

from shop.checkout.tasks import send_order_confirmation

pytestmark = pytest.mark.django_db


def test_the_confirmation_task_sends_one_email_however_often_it_runs(
    checkout, wrap, celery_eager, django_capture_on_commit_callbacks
):
    checkout.up_to_payment(wrap)
    with django_capture_on_commit_callbacks(execute=True):
        checkout.place_order()
    from oscar.apps.order.models import Order

    order = Order.objects.get()
    send_order_confirmation.delay(order.pk)
    send_order_confirmation.delay(order.pk)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jo@example.com"]
    assert order.number in message.subject
    assert message.alternatives[0][1] == "text/html"
    assert "<script" not in message.alternatives[0][0]
