from django.contrib import admin

from shop.core.outbox.models import Email, Undeliverable


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["kind", "to", "status", "attempts", "created", "sent_at", "last_error"]
    list_filter = ["kind", "status"]
    search_fields = ["to", "key", "message_id"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Undeliverable)
class UndeliverableAdmin(admin.ModelAdmin):
    """Delete an address here to send to it again (the owner fixed their mailbox)."""

    list_display = ["address", "reason", "created"]
    search_fields = ["address"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
