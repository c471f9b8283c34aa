import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from oscar.apps.order.models import Order

pytestmark = pytest.mark.django_db


def test_only_staff_reach_the_dashboard(client):
    customer = get_user_model().objects.create_user("c", "c@example.com", "pw")
    assert client.get(reverse("dashboard:index")).status_code == 302
    client.force_login(customer)
    assert client.get(reverse("dashboard:index")).status_code in (302, 403)


def test_staff_see_the_paid_order_and_the_wraps_stock(client, checkout, wrap):
    checkout.up_to_payment(wrap)
    checkout.place_order()
    order = Order.objects.get()
    staff = get_user_model().objects.create_user("s", "s@example.com", "pw", is_staff=True)
    # Oscar's dashboard gives staff what their model permissions allow.
    staff.user_permissions.set(
        Permission.objects.filter(codename="view_order")
        | Permission.objects.filter(content_type__app_label__in=["catalogue", "partner"])
    )
    client.force_login(staff)

    detail = client.get(reverse("dashboard:order-detail", kwargs={"number": order.number}))
    product = client.get(reverse("dashboard:catalogue-product", kwargs={"pk": wrap.pk}))

    assert detail.status_code == 200
    assert "Paid" in detail.content.decode()
    assert order.card_payment.intent_id in detail.content.decode()
    assert product.status_code == 200
    assert "SJNJ-ICE-WRAP-01" in product.content.decode()
