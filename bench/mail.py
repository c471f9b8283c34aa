"""The task queue and bulk email, each against its floor measured in the same run.

Runs inside the benchmark process with Django set up on the benchmark database;
a real Celery worker (bench.procs.CeleryWorker) sends to an aiosmtpd sink here.
"""

import smtplib
import statistics
import threading
import time
import uuid

import redis
from django.conf import settings
from django.db import transaction


def percentiles(values_ms: list[float]) -> dict:
    cuts = statistics.quantiles(values_ms, n=100)
    return {
        "p50_ms": round(statistics.median(values_ms), 2),
        "p95_ms": round(cuts[94], 2),
        "max_ms": round(max(values_ms), 2),
        "n": len(values_ms),
    }


# --- Task queue latency ------------------------------------------------------------------


def signup_latency(sink, *, signups: int, interval: float) -> dict:
    """Sign up `signups` new addresses, one every `interval` seconds, as the signup view
    does (one transaction); time each from its commit to its confirm email at the sink."""
    sink.reset()
    committed = _sign_up(signups, interval)
    sink.wait_for(signups, timeout=120)
    return percentiles([(sink.arrivals[e] - t) * 1000 for e, t in committed.items()])


def signup_latency_during_newsletter(
    sink, *, signups: int, interval: float, recipients: int
) -> dict:
    """The same signups while an issue goes to `recipients` readers: they start once
    the bulk worker is sending; how much of the issue was still unsent when the last
    confirm email arrived says whether the two overlapped throughout."""
    from newsletter.services import issue_send

    sink.reset()
    issue_send(issue_id=new_issue().pk)
    sink.wait_for(min(100, recipients), timeout=120)
    committed = _sign_up(signups, interval)
    sink.wait_for(recipients + signups, timeout=600)
    last_signup = max(sink.arrivals[e] for e in committed)
    unsent = sum(
        1 for rcpt, t in sink.arrivals.items() if t > last_signup and rcpt not in committed
    )
    return {
        **percentiles([(sink.arrivals[e] - t) * 1000 for e, t in committed.items()]),
        "newsletter_recipients": recipients,
        "newsletter_unsent_after_last_signup": unsent,
    }


def _sign_up(signups: int, interval: float) -> dict[str, float]:
    from newsletter.services import subscriber_signup

    committed = {}
    run = uuid.uuid4().hex[:6]
    for n in range(signups):
        email = f"signup-{run}-{n}@example.com"
        with transaction.atomic():
            # Registered first, so it runs first: the moment of the commit.
            transaction.on_commit(lambda email=email: committed.__setitem__(email, _now()))
            subscriber_signup(email=email, ip_address="127.0.0.1", source="/bench/")
        time.sleep(interval)
    return committed


def redis_round_trip(url: str, *, messages: int, interval: float) -> dict:
    """The floor: LPUSH on one connection, BRPOP on another, as a broker hands over a task."""
    key = f"bench:round-trip:{uuid.uuid4().hex}"
    pusher, popper = redis.Redis.from_url(url), redis.Redis.from_url(url)
    latencies = []

    def pop():
        for _ in range(messages):
            _, sent = popper.brpop([key], timeout=10)
            latencies.append((_now() - float(sent)) * 1000)

    reader = threading.Thread(target=pop)
    reader.start()
    for _ in range(messages):
        pusher.lpush(key, repr(_now()))
        time.sleep(interval)
    reader.join()
    pusher.delete(key)
    return percentiles(latencies)


def _now() -> float:
    return time.perf_counter()


# --- Bulk email ------------------------------------------------------------------------


def empty_outbox_and_subscribers() -> None:
    """Each run starts from the same tables: no subscribers, no emails."""
    from newsletter.models import NewsletterIssue, Subscriber
    from shop.core.outbox.models import Email

    Email.objects.all().delete()
    NewsletterIssue.objects.all().delete()
    Subscriber.objects.all().delete()


def add_confirmed_subscribers(count: int) -> None:
    from newsletter.models import Subscriber

    run = uuid.uuid4().hex[:6]
    emails = (f"reader-{run}-{n}@example.com" for n in range(count))
    Subscriber.objects.bulk_create(
        (Subscriber(email=e, email_normalised=e, status="confirmed") for e in emails),
        batch_size=2000,
    )


def new_issue():
    from newsletter.models import NewsletterIssue

    return NewsletterIssue.objects.create(
        subject="Five stretches for runners' hips",
        body=(
            "Hello runners,\n\nTight hips after a long run? Five stretches that help:\n\n"
            "1. Hip flexor stretch\n2. Pigeon pose\n3. Figure four\n4. Butterfly\n"
            "5. Lying knee to chest\n\nHold each for 30 seconds, both sides. **Stay well!**"
        ),
    )


def newsletter_send(sink, *, recipients: int) -> dict:
    """Send an issue to every confirmed subscriber (there are `recipients`), as staff
    do from the admin: fan-out, then batches of 500 over one SMTP connection each."""
    from newsletter.services import issue_send

    sink.reset()
    issue = new_issue()
    start = _now()
    issue_send(issue_id=issue.pk)  # queued on commit (autocommit here)
    sink.wait_for(recipients, timeout=600)
    seconds = _now() - start
    return {"mails": recipients, "seconds": round(seconds, 2), "per_s": round(recipients / seconds)}


def one_task_per_email(sink, *, mails: int) -> dict:
    """The same issue, one `send_email` task per recipient (a new SMTP connection each)."""
    from newsletter.emails import ISSUE
    from newsletter.models import Subscriber
    from shop.core.outbox.models import Email
    from shop.core.outbox.tasks import send_email

    sink.reset()
    issue = new_issue()
    subscribers = Subscriber.objects.receiving_newsletters().order_by("pk")[:mails]
    emails = Email.objects.bulk_create(
        Email(
            kind=ISSUE,
            to=s.email,
            mailbox=s.email_normalised,
            context={"subscriber": s.pk, "issue": issue.pk},
        )
        for s in subscribers
    )
    start = _now()
    for email in emails:
        send_email.apply_async((email.pk,), queue=settings.OUTBOX_MAIL_QUEUE)
    sink.wait_for(mails, timeout=600)
    seconds = _now() - start
    return {"mails": mails, "seconds": round(seconds, 2), "per_s": round(mails / seconds)}


def raw_smtplib(sink, *, mails: int) -> dict:
    """The floor: one newsletter message, already built, sent `mails` times over one
    connection with smtplib."""
    from newsletter.emails import ISSUE
    from newsletter.models import Subscriber
    from shop.core.outbox.messages import build
    from shop.core.outbox.models import Email

    sink.reset()
    reader = Subscriber.objects.receiving_newsletters().first()
    email = Email(
        kind=ISSUE, to=reader.email, context={"subscriber": reader.pk, "issue": new_issue().pk}
    )
    message = build(email).message().as_bytes(linesep="\r\n")
    start = _now()
    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
        for n in range(mails):
            smtp.sendmail("hello@simplyjnj.com", [f"raw-{n}@example.com"], message)
    sink.wait_for(mails, timeout=600)
    seconds = _now() - start
    return {"mails": mails, "seconds": round(seconds, 2), "per_s": round(mails / seconds)}
