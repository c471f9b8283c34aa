from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from shop.core.mailbox import mailbox
from shop.core.privacy import services
from shop.core.privacy.forms import StaffRunForm
from shop.core.privacy.identity import mailbox_key
from shop.core.privacy.models import PrivacyRequest
from shop.core.privacy.rendering import download


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    """Requests and their outcomes. The log keeps no erased data: search it by
    typing the person's email address, which is matched by its one-way key."""

    list_display = ["created", "kind", "status", "completed", "requested_by_staff"]
    list_filter = ["kind", "status"]
    search_fields = ["mailbox_key"]
    search_help_text = "Type the person's email address."
    readonly_fields = [f.name for f in PrivacyRequest._meta.fields if f.name != "id"]
    change_list_template = "admin/privacy/privacyrequest/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        try:
            return queryset.filter(mailbox_key=mailbox_key(mailbox(search_term))), False
        except ValidationError:
            return queryset.none(), False

    def get_urls(self):
        run = self.admin_site.admin_view(self.run_view)
        return [path("run/", run, name="privacy_privacyrequest_run"), *super().get_urls()]

    def run_view(self, request):
        """Export or erase for a person who asked by other means (a letter, a call)."""
        if not request.user.has_perm("privacy.add_privacyrequest"):
            messages.error(request, "You may not run privacy requests.")
            return redirect("admin:privacy_privacyrequest_changelist")
        form = StaffRunForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            kind = "erase" if data["kind"] == "erase" else "export"
            result = services.run(
                email=data["email"],
                kind=kind,
                staff_user=request.user,
                remove_text=data["remove_text"],
            )
            if kind == "export":
                return download(result, data["kind"])
            messages.success(request, "Erased: " + "; ".join(result))
            return redirect(reverse("admin:privacy_privacyrequest_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Export or erase a person's data",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/privacy/privacyrequest/run.html", context)
