"""Anonymous reviews never appear; customers' reviews wait for staff approval."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from oscar.test.factories import create_basket, create_order, create_product

from shop.catalogue.reviews.models import ProductReview

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrap():
    return create_product(title="SimplyJnJ Cold Therapy Ice Gel Wrap", num_in_stock=10)


def add_url(product):
    return reverse(
        "catalogue:reviews-add", kwargs={"product_slug": product.slug, "product_pk": product.pk}
    )


def review(client, product, score=1, **meta):
    data = {
        "title": "Awful",
        "score": score,
        "body": "Do not buy.",
        "name": "X",
        "email": "x@example.com",
    }
    return client.post(add_url(product), data, **meta)


def aggregate_rating(client, product):
    page = client.get(product.get_absolute_url()).content.decode()
    for block in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S):
        data = json.loads(block)
        for item in data if isinstance(data, list) else data.get("@graph", [data]):
            if item.get("@type") == "Product":
                return item.get("aggregateRating")
    raise AssertionError("no Product JSON-LD on the page")


def test_a_dozen_anonymous_reviews_are_refused_and_never_shown(client, wrap):
    for _ in range(12):
        response = review(client, wrap, REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 302
    assert not ProductReview.objects.exists()
    assert "Do not buy." not in client.get(wrap.get_absolute_url()).content.decode()
    assert aggregate_rating(client, wrap) is None


def test_a_customers_review_waits_for_staff_and_counts_once_approved(client, wrap):
    customer = get_user_model().objects.create_user("c", "c@example.com", "pw")
    client.force_login(customer)
    response = review(client, wrap, score=2)
    assert response.status_code == 302
    held = ProductReview.objects.get()
    assert held.status == ProductReview.FOR_MODERATION

    visitor = Client()
    detail = reverse(
        "catalogue:reviews-detail",
        kwargs={"product_slug": wrap.slug, "product_pk": wrap.pk, "pk": held.pk},
    )
    assert visitor.get(detail).status_code == 404
    assert "Do not buy." not in visitor.get(wrap.get_absolute_url()).content.decode()
    assert aggregate_rating(visitor, wrap) is None

    staff = Client()
    staff.force_login(get_user_model().objects.create_superuser("s", "s@example.com", "pw"))
    staff.post(
        reverse("dashboard:reviews-list"),
        {"action": "update_selected_review_status", "selected_review": [held.pk], "status": 1},
    )

    assert visitor.get(detail).status_code == 200
    assert "Do not buy." in visitor.get(wrap.get_absolute_url()).content.decode()
    assert aggregate_rating(visitor, wrap)["reviewCount"] == 1


def test_reviews_are_limited_per_client(client, wrap, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reviews.add": (2, 3600)}
    products = [create_product(num_in_stock=1) for _ in range(3)]
    client.force_login(get_user_model().objects.create_user("c", "c@example.com", "pw"))
    for product in products:
        review(client, product)
    assert ProductReview.objects.count() == 2


def test_a_reviewer_who_bought_the_product_is_marked_verified(client, wrap):
    buyer = get_user_model().objects.create_user("b", "b@example.com", "pw")
    basket = create_basket(empty=True)
    basket.add_product(wrap)
    create_order(user=buyer, basket=basket)
    other = get_user_model().objects.create_user("o", "o@example.com", "pw")
    for user in (buyer, other):
        browser = Client()
        browser.force_login(user)
        review(browser, wrap, score=5)
    ProductReview.objects.update(status=ProductReview.APPROVED)

    reviews = {r.user: r for r in ProductReview.objects.all()}
    assert reviews[buyer].verified_buyer and not reviews[other].verified_buyer
    page = client.get(wrap.get_absolute_url()).content.decode()
    assert page.count("Verified buyer") == 1
