from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from newsletter import emails, services
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

    @admin.action(description="Send to all confirmed subscribers", permissions=["change"])
    def send(self, request, queryset):
        """First a page naming the issues and the number of readers (as
        delete_selected asks first); its "Yes, send" button sends."""
        if not request.POST.get("post"):
            context = {
                **self.admin_site.each_context(request),
                "title": "Send to all confirmed subscribers?",
                "opts": self.model._meta,
                "issues": queryset,
                "unsent": [issue for issue in queryset if not issue.send_started],
                "recipients": Subscriber.objects.receiving_newsletters().count(),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(request, "admin/newsletter/send_confirmation.html", context)
        for issue in queryset:
            if services.issue_send(issue_id=issue.pk):
                self.message_user(request, f"Sending “{issue}”: reload to watch progress.")
            else:
                self.message_user(
                    request, f"“{issue}” was sent before; not sent again.", messages.WARNING
                )
        return None

    def has_change_permission(self, request, obj=None):
        # A sent issue is a record of what went out.
        return super().has_change_permission(request, obj) and not (obj and obj.send_started)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", view(self.preview), name="newsletter_issue_preview"),
            path(
                "<int:pk>/test/", view(require_POST(self.send_test)), name="newsletter_issue_test"
            ),
            *super().get_urls(),
        ]

    def preview(self, request, pk: int):
        """The issue's email as a reader gets it: subject, HTML and text part."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        message = emails.issue_message(issue, to=request.user.email or "reader@example.com")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {issue}",
            "opts": self.model._meta,
            "original": issue,
            "message": message,
            "html": message.alternatives[0].content,
            "recipients": Subscriber.objects.receiving_newsletters().count(),
        }
        return TemplateResponse(request, "admin/newsletter/issue_preview.html", context)

    def send_test(self, request, pk: int):
        """The issue to the staff member alone, marked "[Test]"."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        if not request.user.email:
            self.message_user(
                request, "Your account has no email address to send a test to.", messages.ERROR
            )
        else:
            services.issue_send_test(issue_id=issue.pk, to=request.user.email)
            to = request.user.email
            self.message_user(request, f"A test of “{issue}” is on its way to {to}.")
        return redirect(reverse("admin:newsletter_issue_preview", args=[issue.pk]))
