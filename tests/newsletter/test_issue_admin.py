"""Staff check an issue before it goes out: a preview of the email as a reader gets
it, and a test sent to themselves."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from shop.core.outbox.models import Email
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
BODY = "Hello runners,\n\nOur [wrap](/catalogue/) helps.\n\n**Ice for 15 minutes.**"


def test_the_change_page_links_the_preview_which_shows_the_email_as_a_reader_gets_it(
    admin_client, settings
):
    settings.SITE_DOMAIN = "shop.example.com"
    SubscriberFactory(status="confirmed"), SubscriberFactory(status="confirmed")
    issue = NewsletterIssueFactory(body=BODY)
    preview = reverse("admin:newsletter_issue_preview", args=[issue.pk])
    change = reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
    assert f'href="{preview}"' in admin_client.get(change).content.decode()

    html = admin_client.get(preview).content.decode()
    assert "each of the 2 confirmed subscribers" in html
    assert escape(issue.subject) in html and "SimplyJnJ &lt;hello@simplyjnj.com&gt;" in html
    # The HTML part, whole and in the layout, in a sandboxed frame; the text part below.
    link = '<a href="https://shop.example.com/catalogue/" style="color: #0b5f6c;">wrap</a>'
    assert escape(link) in html
    assert escape("<strong>Ice for 15 minutes.</strong>") in html
    assert escape("You get this email because admin@example.com signed up") in html
    assert "[wrap](https://shop.example.com/catalogue/)" in html
    assert "<iframe" in html and "sandbox" in html


def test_a_test_goes_to_the_staff_member_alone_marked_and_not_counted(
    admin_client, django_capture_on_commit_callbacks, mailoutbox, celery_eager
):
    SubscriberFactory(status="confirmed")
    issue = NewsletterIssueFactory(body=BODY)
    test = reverse("admin:newsletter_issue_test", args=[issue.pk])

    assert admin_client.get(test).status_code == 405  # a POST only: a link sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(test, follow=True)
    assert "is on its way to admin@example.com" in response.content.decode()

    [message] = mailoutbox
    assert message.to == ["admin@example.com"]
    assert message.subject == f"[Test] {issue.subject}"
    assert "/catalogue/" in message.body and "Ice for 15 minutes." in message.body
    issue.refresh_from_db()
    assert issue.send_started is None and issue.progress["total"] == 0
    assert Email.objects.get().kind == "newsletter.issue_test"


def test_the_preview_and_test_are_for_staff_only(client, django_user_model):
    issue = NewsletterIssueFactory()
    for url in ("admin:newsletter_issue_preview", "admin:newsletter_issue_test"):
        response = client.post(reverse(url, args=[issue.pk]))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Email.objects.exists()
