import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Subscriber
from shop.core.outbox.models import Email
from shop.core.outbox.tasks import send_email
from shop.core.privacy import services
from shop.core.privacy.models import PrivacyRequest
from tests.newsletter.conftest import signup_data

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
URL = reverse("privacy:page")
# Per-request values that say nothing about the address: the CSRF token and the CSP nonce.
PER_REQUEST = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')


def ask(client, email: str, kind: str = "export", capture=None):
    with capture(execute=True):
        return client.post(URL, {"email": email, "kind": kind})


def confirm_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/privacy/confirm/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_privacy_page_says_what_is_kept_and_is_linked_from_every_email_form(client, wrap):
    call_command("load_site_content", verbosity=0)
    page = client.get(URL).content.decode()
    for cookie in ["sessionid", "csrftoken", "oscar_open_basket", "messages", "comments_written"]:
        assert cookie in page
    assert "Stripe" in page and "7 years" in page and "90" in page
    assert 'name="email"' in page and 'value="erase"' in page
    pages = ["home", "customer:login", "customer:register", "newsletter:signup", "password-reset"]
    for url in map(reverse, pages):
        page = client.get(url).content.decode()
        main = re.search(r"<main\b.*?</main>", page, re.S).group(0)
        for form in re.findall(r"<form\b.*?</form>", page, re.S):
            if 'type="email"' in form:
                # In the form, or beside it in the page's main part (not just the footer).
                beside = main if form in main else form
                assert 'href="/privacy/"' in beside, (url, form[:80])


def test_staff_edit_the_page_and_loading_the_content_again_keeps_their_text(client, db):
    from django.contrib.flatpages.models import FlatPage

    call_command("load_site_content", verbosity=0)
    FlatPage.objects.filter(url="/privacy/").update(content="<p>Our own words.</p>")
    call_command("load_site_content", verbosity=0)
    assert FlatPage.objects.filter(url="/privacy/").count() == 1
    assert "Our own words." in client.get(URL).content.decode()


def test_the_answer_is_byte_identical_for_known_and_unknown_addresses(
    client, person, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    known = ask(client, "Zed.Quokka@gmail.com", capture=django_capture_on_commit_callbacks)
    unknown = ask(client, "nobody.here@example.com", capture=django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 200
    assert PER_REQUEST.sub(b"", known.content) == PER_REQUEST.sub(b"", unknown.content)
    assert b"Check your inbox" in known.content
    assert [m.to for m in mailoutbox] == [["Zed.Quokka@gmail.com"], ["nobody.here@example.com"]]
    assert "Quokka" not in "".join(r.outcome for r in PrivacyRequest.objects.all())


def test_export_by_email_link_downloads_everything_as_json_and_text(
    client, person, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    ask(client, "zedquokka@googlemail.com", capture=django_capture_on_commit_callbacks)
    link = confirm_link(mailoutbox[0])

    page = client.get(link)
    assert page.status_code == 200 and b"Download" in page.content
    assert page["Cache-Control"].startswith("private") or "no-store" in page["Cache-Control"]

    download = client.post(link, {"format": "json"})
    assert download["Content-Disposition"].startswith("attachment")
    data = json.loads(download.content)
    assert {k: len(v) for k, v in data["data"].items()} == {
        "orders": 2,
        "account": 1,
        "stock alerts": 0,
        "comments": 2,
        "newsletter": 1,
        "privacy requests": 1,
        "emails": 2,  # a coupon email, and the one with this link
    }
    text = client.post(link, {"format": "text"}).content.decode()
    assert "== Comments (2) ==" in text and "Quokka" in text
    request = PrivacyRequest.objects.get()
    assert request.status == "done"


def test_erase_by_email_link_erases_once_and_the_link_then_says_so(
    client, person, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    ask(client, "zed.quokka@gmail.com", kind="erase", capture=django_capture_on_commit_callbacks)
    link = confirm_link(mailoutbox[0])
    assert b"Erase my data" in client.get(link).content
    assert Subscriber.objects.filter(email="Zed.Quokka@gmail.com").exists()  # GET does nothing

    response = client.post(link, {"remove_text": ""})
    assert response.status_code == 200 and b"erased" in response.content
    assert not Subscriber.objects.filter(email="Zed.Quokka@gmail.com").exists()
    request = PrivacyRequest.objects.get()
    assert request.email == "" and "comments: 2 anonymised" in request.outcome
    assert client.post(link).status_code == 409


def test_an_erased_address_cannot_get_a_second_welcome_code(
    client, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    def sign_up_and_confirm():
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("newsletter:signup"), signup_data("Farmer.Joe@gmail.com"))
        link = re.search(r"(/newsletter/confirm/\S+/)", mailoutbox[0].body).group(1)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(link)

    sign_up_and_confirm()
    first_code = Subscriber.objects.get().voucher
    services.erase("farmerjoe@gmail.com")
    sign_up_and_confirm()  # the same mailbox under another spelling

    subscriber = Subscriber.objects.get()
    assert subscriber.status == "confirmed" and subscriber.voucher == first_code
    assert subscriber.voucher.end_datetime <= timezone.now()  # still revoked
    assert not any("10% off coupon" in m.subject for m in mailoutbox)


def test_the_link_is_sent_once_however_often_the_task_runs(person, mailoutbox, celery_eager):
    request = services.request_create(email="a@example.com", kind="export")
    email = Email.objects.get(kind="privacy.request_link", context={"request": request.pk})
    send_email.delay(email.pk)
    send_email.delay(email.pk)
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": "", "kind": "export"},
        {"email": "x" * 10_000 + "@example.com", "kind": "export"},
        {"email": "not an address", "kind": "erase"},
        {"email": "a@[127.0.0.1]", "kind": "erase"},
        {"email": "a\x00b@example.com", "kind": "export"},
        {"email": "a@example.com", "kind": "everything"},
        {"email": "a@example.com"},
    ],
)
def test_hostile_requests_get_a_form_error_not_a_crash(client, data, mailoutbox):
    response = client.post(URL, data)
    assert response.status_code == 400
    assert b"alert-danger" in response.content
    assert not PrivacyRequest.objects.exists()
    assert not mailoutbox


@pytest.mark.parametrize(
    "email, message",
    [
        ("not-an-email", "Please enter a valid email address"),
        ("a@@example.org", "Please enter a valid email address"),
        ("a@example.org\x00", "Please enter a valid email address"),
        ("a@[127.0.0.1]", "not an IP address"),
        ("runner@ex\u0430mple.com", "plain letters (a-z)"),  # a Cyrillic "a"
        ("a" * 10_000, "That address is too long"),
    ],
)
def test_a_bad_address_gets_one_message_saying_what_to_fix(client, email, message):
    response = client.post(URL, {"email": email, "kind": "export"})
    assert response.status_code == 400
    [error] = response.context["form"].errors["email"]
    assert message in error


@pytest.mark.parametrize(
    "token, status",
    [("garbage", 400), ("x" * 5000, 400), ("MQ:1tYz:abc", 400)],
)
def test_bad_links_get_a_clear_answer(client, token, status):
    assert client.get(reverse("privacy:confirm", args=[token])).status_code == status
    assert client.post(reverse("privacy:confirm", args=[token])).status_code == status


def test_an_expired_link_says_so_and_a_bad_button_is_refused(client, settings, mailoutbox):
    request = PrivacyRequest.objects.create(kind="export", email="a@example.com", mailbox_key="k")
    link = reverse("privacy:confirm", args=[services.link_token(request)])
    assert client.post(link, {"format": "pdf"}).status_code == 400
    PrivacyRequest.objects.filter(pk=request.pk).update(email="")  # cleared once expired
    assert client.get(link).status_code == 410


def test_requests_are_rate_limited_per_client(client, mailoutbox):
    for n in range(5):
        assert client.post(URL, {"email": f"r{n}@example.com", "kind": "export"}).status_code == 200
    assert client.post(URL, {"email": "r9@example.com", "kind": "export"}).status_code == 429
