"""The footer's pages (About, Contact, Shipping & returns), as Django flatpages:
created by `load_site_content` when missing, then staff's to edit under
Dashboard > Content > Pages. The privacy page lives at /privacy/ beside them."""

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

from shop.shipping.methods import FREE_SHIPPING_THRESHOLD, Standard

PAGES = {
    "/about/": (
        "About SimplyJnJ",
        """
<p>SimplyJnJ is a small shop run by runners, for runners. We started by writing down
what helped us through hip pain after running, and now sell the one thing we reached
for most: a cold therapy wrap that stays on while you rest.</p>
<p>Our advice is general information, not a diagnosis. If pain persists, see a
medical professional.</p>
""",
    ),
    "/contact/": (
        "Contact us",
        """
<p>Questions about an order, a return or our advice? Email us at
<a href="mailto:hello@simplyjnj.com">hello@simplyjnj.com</a> and we answer within
one business day. Please give your order number if your question is about an order.</p>
""",
    ),
    "/shipping-returns/": (
        "Shipping and returns",
        f"""
<h2>Shipping</h2>
<p>We ship to addresses in the United States. Standard shipping costs
${Standard.charge_incl_tax} and arrives in {Standard.business_days} business days;
it is free on orders of ${FREE_SHIPPING_THRESHOLD:.0f} or more. You get an email when
your order is placed.</p>
<h2>Returns</h2>
<p>Changed your mind? Return any item unused and in its original packaging within
30 days of delivery for a full refund of its price. Email
<a href="mailto:hello@simplyjnj.com">hello@simplyjnj.com</a> with your order number
and we will tell you where to send it.</p>
""",
    ),
}


def load() -> str:
    site = Site.objects.get(pk=settings.SITE_ID)
    created = 0
    for url, (title, content) in PAGES.items():
        page, made = FlatPage.objects.get_or_create(
            url=url, defaults={"title": title, "content": content.strip()}
        )
        if made:
            page.sites.add(site)
            created += 1
    return f"{len(PAGES)} pages ({created} created)"
