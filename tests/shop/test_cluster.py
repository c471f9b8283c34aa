"""`make cluster` (shop/cluster.py): two hosts behind nginx are one shop.

The cluster runs as `make cluster` starts it, on this test process's database and
Redis, with its email going to the SMTP sink. Every request goes through nginx,
whose round robin sends each to the other instance than the one before: the
basket, the checkout's session, the coupon, the page cache's per-response
tokens, the comment form's used tokens and the rate limits all cross hosts.
"""

import os
import re
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
import requests
from django.urls import reverse
from oscar.apps.order.models import Order

from blog.content import ARTICLE_SLUG
from shop.catalogue.models import Product
from tests.newsletter.conftest import link_in, signup_data
from tests.support.payments import ADDRESS, confirm_card_setup
from tests.support.services import answers, free_port, wait_until
from tests.support.workers import REDIS_URL, database_url

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Visitor:
    """A browser without scripts, talking to the cluster through nginx."""

    base: str
    http: requests.Session = field(default_factory=requests.Session)
    served: list = field(default_factory=list)  # the instance behind each response
    csrf: str = ""

    def __post_init__(self):
        self.http.hooks["response"].append(self._seen)

    def _seen(self, response, *args, **kwargs):
        self.served.append(response.headers["X-Served-By"])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        if token:
            self.csrf = token[1]

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.base + path, timeout=60, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        data = {"csrfmiddlewaretoken": self.csrf, **data}
        return self.http.post(self.base + path, data=data, timeout=60, **kwargs)


@dataclass
class Cluster:
    url: str
    proc: subprocess.Popen
    log: Path
    ports: list

    def stop(self) -> int:
        """Ctrl-C, as in the terminal: the whole foreground process group gets SIGINT."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
        return self.proc.wait(60)


@pytest.fixture
def cluster(transactional_db, smtp_sink, tmp_path, settings):
    port, localstripe = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        # Keys and a queue of this test's own in the shared Redis.
        "CACHE_URL": f"{REDIS_URL}?key_prefix=cluster-{uuid.uuid4().hex[:8]}",
        "CELERY_TASK_DEFAULT_QUEUE": f"cluster-{uuid.uuid4().hex[:8]}",
        "EMAIL_URL": smtp_sink.url,
        "PORT": str(port),
        "LOCALSTRIPE_PORT": str(localstripe),
        "CLUSTER_DIR": str(tmp_path / "cluster"),
        "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "1",
        "BLOG_COMMENT_MIN_SECONDS": "0",
    }
    env.pop("MEDIA_BUCKET", None)
    log = tmp_path / "cluster.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "shop.cluster"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    running = Cluster(url, proc, log, [port, localstripe])
    try:
        # Up once both instances have answered through nginx.
        served = set()

        def both_instances_answer():
            assert proc.poll() is None, f"the cluster stopped:\n{log.read_text()[-3000:]}"
            try:
                response = requests.get(f"{url}/healthz", timeout=5)
            except requests.ConnectionError:
                return False
            # Not "a, b": nginx tried an instance that was not up yet, then the other.
            if response.status_code == 200 and "," not in response.headers["X-Served-By"]:
                served.add(response.headers["X-Served-By"])
            return len(served) == 2

        wait_until(both_instances_answer, timeout=180, what="both instances behind nginx")
        running.ports += [int(address.rsplit(":", 1)[1]) for address in served]
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{localstripe}"
        yield running
    finally:
        running.stop()
        print(log.read_text()[-5000:])  # shown when the test fails


def test_two_instances_behind_nginx_are_one_shop(cluster, smtp_sink):
    shopper = Visitor(cluster.url)
    wrap = Product.objects.get()

    # The product page, its picture from the bucket whichever instance made the thumbnail.
    page = shopper.get(wrap.get_absolute_url())
    assert "SimplyJnJ Cold Therapy Ice Gel Wrap" in page.text
    picture = re.search(r'src="(http://127\.0\.0\.1:\d+/simplyjnj-media/[^"]+)"', page.text)
    assert picture, "the product's picture is not served from the bucket"
    assert picture[1] in shopper.get(wrap.get_absolute_url()).text
    image = requests.get(picture[1], timeout=10)
    assert image.status_code == 200 and image.headers["Content-Type"].startswith("image/")

    response = shopper.post(reverse("basket:add", kwargs={"pk": wrap.pk}), {"quantity": 1})
    assert "SimplyJnJ Cold Therapy Ice Gel Wrap" in shopper.get(reverse("basket:summary")).text

    # The newsletter's coupon: signup, the confirm link, the code applied to the basket.
    response = shopper.post(reverse("newsletter:signup"), signup_data("runner@example.com"))
    assert "Check your inbox" in response.text
    [confirm_email] = wait_until(lambda: smtp_sink.to("runner@example.com"), what="confirm email")
    confirm = link_in(confirm_email, "/newsletter/confirm/")
    assert "Confirm my subscription" in shopper.get(confirm).text
    assert shopper.post(confirm, {}).status_code == 200
    coupon = wait_until(lambda: smtp_sink.to("runner@example.com")[1:], what="coupon email")[0]
    basket = shopper.get(link_in(coupon, "/newsletter/apply/"))
    assert basket.url.endswith(reverse("basket:summary"))
    assert "$30.60" in basket.text  # $34.00 less 10%

    # Checkout as a guest, the card confirmed with (local) Stripe as Stripe.js would.
    response = shopper.post(
        reverse("checkout:index"), {"username": "jo@example.com", "options": "anonymous"}
    )
    assert response.url.endswith(reverse("checkout:shipping-address"))
    response = shopper.post(reverse("checkout:shipping-address"), ADDRESS)
    response = shopper.post(reverse("checkout:shipping-method"), {"method_code": "standard"})
    details = shopper.get(reverse("checkout:payment-details"))
    setup_secret = re.search(r'data-setup-secret="(seti_\w+)"', details.text)[1]
    payment_method = confirm_card_setup(setup_secret)
    preview = shopper.post(reverse("checkout:preview"), {"payment_method": payment_method})
    assert preview.url.endswith(reverse("checkout:preview"))
    basket_id = re.search(r'name="basket" value="([^"]+)"', preview.text)[1]
    thanks = shopper.post(
        reverse("checkout:preview"), {"action": "place_order", "basket": basket_id}
    )
    assert thanks.url.endswith(reverse("checkout:thank-you"))

    order = Order.objects.get()
    assert order.number in thanks.text
    assert order.status == "Paid"
    assert order.total_discount_incl_tax == Decimal("3.40")
    [email] = wait_until(lambda: smtp_sink.to("jo@example.com"), what="order confirmation")
    assert order.number in email["Subject"]

    # Each request went to the other instance than the one before.
    assert alternated(shopper.served), shopper.served

    # The article's comment form, to first-time readers (no cookie: from the page cache),
    # each posting it to the other instance: a fresh one-time token in every copy, a
    # form used once refused on the other instance, and one rate limit for both.
    served = []
    article = f"/blog/{ARTICLE_SLUG}/"

    def comment(number):
        reader = Visitor(cluster.url, served=served)
        token = re.search(r'name="token" value="([^"]+)"', reader.get(article).text)[1]
        data = {
            "comment": f"Comment number {number}: icing helps me too.",
            "name": "Priya",
            "email": "priya@example.com",
            "subject": "",
            "token": token,
        }
        return reader, data, reader.post(article, data, allow_redirects=False)

    reader, data, response = comment(1)
    assert response.status_code == 302
    replay = reader.post(article, data, allow_redirects=False)
    assert replay.status_code == 400 and "already been sent" in replay.text
    tokens = {data["token"]}
    for number in (3, 4, 5):
        _, data, response = comment(number)
        assert response.status_code == 302
        tokens.add(data["token"])
    _, _, response = comment(6)
    assert response.status_code == 429  # the sixth post within a minute
    assert len(tokens) == 4
    assert alternated(served), served

    # Ctrl-C stops everything it started.
    assert cluster.stop() is not None
    for port in cluster.ports:
        assert not answers(port), f"something still listens on {port}"


def alternated(served: list) -> bool:
    """Both instances served, and never one twice in a row."""
    return len(set(served)) == 2 and all(a != b for a, b in pairwise(served))
