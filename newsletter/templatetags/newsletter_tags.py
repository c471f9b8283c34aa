from django import template

from newsletter.forms import SignupForm

register = template.Library()

BOX_TEMPLATE = "includes/newsletter_signup.html"
SHOWN = "newsletter_box_shown"  # set on the template context once the box is rendered


@register.simple_tag(takes_context=True)
def newsletter_box(context, box: str = "footer") -> str:
    """The "Save 10% Off" signup box, at most once a page: `{% newsletter_box "article" %}`
    where a page shows it in its body, `{% newsletter_box %}` in the footer, which
    then shows nothing. The newsletter's own pages (the signup form, its answers,
    "You are subscribed") are about the subscription already: no box on them.

    "Once" is remembered on the page's template context, which its includes and
    the templates it extends share; another page rendered for the same request
    (an error page, then the flatpage that answers instead) has its own."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if getattr(context, SHOWN, False) or (match is not None and match.app_name == "newsletter"):
        return ""
    setattr(context, SHOWN, True)
    with context.push(box=box):
        return context.template.engine.get_template(BOX_TEMPLATE).render(context)


@register.simple_tag
def newsletter_signup_form(box: str = "footer") -> SignupForm:
    """An empty signup form whose field ids are unique to its box, so a page can show
    the box twice (in an article and in the footer). Costs no query."""
    return SignupForm(auto_id=f"id_newsletter_{box}_%s")
