"""Sign-in lockout (django-axes) as the shop wants it: failures counted per account
whatever the spelling of its address, a page that says when the lockout ends and
how to get out sooner, and the account's failures cleared by signing in."""

import math

from axes.helpers import get_cool_off
from axes.utils import reset
from django.shortcuts import render


def login_name(request, credentials: dict | None) -> str:
    """The account a sign-in is for, as Oscar's email backend finds it (case-blind)."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def locked_out(request, original_response=None, credentials=None):
    minutes = math.ceil(get_cool_off(request).total_seconds() / 60)
    return render(request, "shop/login_locked_out.html", {"minutes": minutes}, status=429)


def clear_failures_on_login(sender, request, user, **kwargs) -> None:
    """Axes clears the failures of the username; people sign in with their email."""
    if user.email:
        reset(username=user.email.strip().lower())
