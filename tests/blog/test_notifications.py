import pytest
from django.core import mail
from kombu.exceptions import OperationalError

from blog import services as blog_services
from blog.models import Comment
from shop.core.outbox import services as outbox
from shop.core.outbox.models import Email
from shop.core.outbox.tasks import send_email
from tests.blog.conftest import become_returning_commenter, comment_data
from tests.blog.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return UserFactory(is_staff=True, email="moderator@simplyjnj.com")


def test_staff_are_emailed_once_about_a_held_comment(
    client, article, moderator, celery_eager, django_capture_on_commit_callbacks
):
    UserFactory(is_staff=False, email="customer@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            article.get_absolute_url(),
            comment_data(article, website="https://priya.example"),
            REMOTE_ADDR="203.0.113.7",
        )

    (message,) = mail.outbox
    assert message.to == ["moderator@simplyjnj.com"]
    assert "Why Do I Have Hip Pain After Running?" in message.subject
    assert "Priya" in message.body and "priya@example.com" in message.body
    assert "203.0.113.7" in message.body
    comment = Comment.objects.get(email="priya@example.com")
    assert f"/admin/blog/comment/{comment.pk}/change/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Icing helps me too" in html

    # Run again (a redelivered task): nothing more is sent.
    send_email.delay(Email.objects.get().pk)
    assert len(mail.outbox) == 1


def test_an_approved_comment_sends_no_email(
    client, article, moderator, celery_eager, django_capture_on_commit_callbacks
):
    become_returning_commenter(client, article, email="priya@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(article.get_absolute_url(), comment_data(article))
    assert mail.outbox == []


def held_comment_email(article, **fields) -> Email:
    """A held comment, written as a visitor's would be, with its email to staff."""
    comment = CommentFactory(post=article, status=Comment.Status.PENDING, **fields)
    blog_services.notify_staff_of_held_comment(comment)
    return Email.objects.get(context={"comment": comment.pk})


def test_a_comment_approved_before_the_email_goes_sends_none(article, moderator):
    email = held_comment_email(article)
    Comment.objects.update(status=Comment.Status.APPROVED)
    outbox.send(email_id=email.pk)
    assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == Email.Status.SKIPPED


def test_html_in_a_held_comment_is_escaped_in_the_email(article, moderator):
    email = held_comment_email(article, author_name='<img src=x onerror="x">')
    outbox.send(email_id=email.pk)
    html, _ = mail.outbox[0].alternatives[0]
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_without_staff_addresses_no_email_is_written(article):
    UserFactory(is_staff=True, email="")
    blog_services.notify_staff_of_held_comment(CommentFactory(post=article))
    assert not Email.objects.exists()


def test_a_broker_outage_does_not_lose_the_comment_or_fail_the_page(
    client, article, moderator, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("broker unreachable")

    monkeypatch.setattr(send_email, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(article.get_absolute_url(), comment_data(article))
    assert response.status_code == 302
    assert Comment.objects.get(email="priya@example.com").status == Comment.Status.PENDING
    # The email waits in the outbox for the requeue.
    assert Email.objects.get().status == Email.Status.PENDING


@pytest.mark.postgres
@pytest.mark.redis
def test_a_real_worker_emails_staff_once_about_a_held_comment(
    celery_worker, smtp_sink, client, article, settings
):
    UserFactory(is_staff=True, email="moderator@simplyjnj.com")

    response = client.post(article.get_absolute_url(), comment_data(article))
    assert response.status_code == 302
    comment = Comment.objects.get(email="priya@example.com")

    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "moderator@simplyjnj.com"
    assert "Why Do I Have Hip Pain After Running?" in message["Subject"]
    assert message.get_body(("plain",)).get_content().count("Priya") >= 1
    assert message.get_body(("html",)) is not None

    # The same task delivered again (as after a worker crash) sends nothing more.
    email = Email.objects.get(context={"comment": comment.pk})
    send_email.apply_async((email.pk,), queue=settings.OUTBOX_MAIL_QUEUE)
    celery_worker.wait_for_finished(send_email.name, count=2)
    assert len(smtp_sink.messages) == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
