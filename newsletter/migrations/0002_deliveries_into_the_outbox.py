"""Newsletter deliveries become outbox emails, undeliverable subscribers outbox
suppressions: one mechanism for every email the site sends."""

from django.db import migrations

STATUS = {"queued": "pending", "sent": "sent", "failed": "failed", "skipped": "skipped"}


def into_the_outbox(apps, schema_editor):
    Delivery = apps.get_model("newsletter", "Delivery")
    Subscriber = apps.get_model("newsletter", "Subscriber")
    Email = apps.get_model("outbox", "Email")
    Undeliverable = apps.get_model("outbox", "Undeliverable")
    deliveries = Delivery.objects.select_related("subscriber").order_by("pk").iterator()
    emails = []
    for d in deliveries:
        context = {"subscriber": d.subscriber_id}
        if d.issue_id:
            context["issue"] = d.issue_id
        emails.append(
            Email(
                kind=f"newsletter.{d.kind}",
                to=d.subscriber.email,
                mailbox=d.subscriber.email_normalised,
                context=context,
                key=f"issue:{d.issue_id}:{d.subscriber_id}" if d.issue_id else None,
                bulk=bool(d.issue_id),
                status=STATUS[d.status],
                attempts=d.attempts,
                next_attempt_at=d.queued,
                last_error=d.last_error,
                message_id=d.message_id,
                sent_at=d.sent,
            )
        )
        if len(emails) == 2000:
            Email.objects.bulk_create(emails)
            emails = []
    Email.objects.bulk_create(emails)
    Undeliverable.objects.bulk_create(
        [
            Undeliverable(address=s.email_normalised, reason="refused (newsletter delivery)")
            for s in Subscriber.objects.filter(undeliverable=True)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(into_the_outbox, migrations.RunPython.noop),
        migrations.RemoveField(model_name="subscriber", name="undeliverable"),
        migrations.DeleteModel(name="Delivery"),
    ]
