from django import template

from newsletter.forms import SignupForm

register = template.Library()


@register.simple_tag
def newsletter_signup_form(box: str = "footer") -> SignupForm:
    """An empty signup form whose field ids are unique to its box, so a page can show
    the box twice (in an article and in the footer). Costs no query."""
    return SignupForm(auto_id=f"id_newsletter_{box}_%s")
