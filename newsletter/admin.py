from django.contrib import admin, messages

from newsletter import services
from newsletter.models import Consent, NewsletterIssue, Subscriber


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    readonly_fields = ["created", "version", "ip_address", "source", "text"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "voucher", "created", "confirmed"]
    list_filter = ["status"]
    search_fields = ["email", "email_normalised", "voucher__code"]
    readonly_fields = ["email_normalised", "voucher", "created", "confirmed", "unsubscribed"]
    list_select_related = ["voucher"]
    inlines = [ConsentInline]


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "created", "send_started", "sent", "failed", "total"]
    readonly_fields = ["send_started", "sent", "failed", "total"]
    fields = ["subject", "body", "send_started", "sent", "failed", "total"]
    actions = ["send"]

    # Counted from the issue's emails in the outbox (Admin > Outgoing email lists each).
    @admin.display(description="sent")
    def sent(self, issue):
        return issue.progress["sent"]

    @admin.display(description="failed")
    def failed(self, issue):
        return issue.progress["failed"]

    @admin.display(description="total")
    def total(self, issue):
        return issue.progress["total"]

    @admin.action(description="Send to all confirmed subscribers")
    def send(self, request, queryset):
        for issue in queryset:
            if services.issue_send(issue_id=issue.pk):
                self.message_user(request, f"Sending “{issue}”: reload to watch progress.")
            else:
                self.message_user(
                    request, f"“{issue}” was sent before; not sent again.", messages.WARNING
                )

    def has_change_permission(self, request, obj=None):
        # A sent issue is a record of what went out.
        return super().has_change_permission(request, obj) and not (obj and obj.send_started)
