"""What search engines and link previews read, parsed from the pages as served:
titles, descriptions, canonical URLs, Open Graph and Twitter tags, JSON-LD,
the sitemap, robots.txt and feed autodiscovery."""

import json
import xml.etree.ElementTree as ET

import html5lib
import pytest
from django.urls import reverse

from blog.content import ARTICLE_SLUG
from blog.content import load as load_blog
from blog.models import Post
from shop.catalogue.reviews.models import ProductReview

pytestmark = pytest.mark.django_db

ARTICLE_URL = reverse("blog:post_detail", kwargs={"slug": ARTICLE_SLUG})


def parse(response):
    assert response.status_code == 200, response.status_code
    return html5lib.parse(response.content, namespaceHTMLElements=False)


def meta(document) -> dict[str, str]:
    """The head's meta tags by name or property, and the canonical link."""
    found = {
        tag.get("name") or tag.get("property"): tag.get("content")
        for tag in document.iter("meta")
        if tag.get("name") or tag.get("property")
    }
    found["title"] = document.find(".//title").text
    found["canonical"] = [
        link.get("href") for link in document.iter("link") if link.get("rel") == "canonical"
    ]
    return found


def json_ld(document) -> dict[str, dict]:
    blocks = [
        json.loads(script.text)
        for script in document.iter("script")
        if script.get("type") == "application/ld+json"
    ]
    assert all(block["@context"] == "https://schema.org" for block in blocks)
    return {block["@type"]: block for block in blocks}


@pytest.fixture
def site(wrap):
    load_blog()
    return {
        "home": reverse("home"),
        "article": ARTICLE_URL,
        "blog": reverse("blog:post_list"),
        "product": wrap.get_absolute_url(),
        "shop": reverse("catalogue:index"),
        "basket": reverse("basket:summary"),
        "checkout": reverse("checkout:index"),
    }


def test_every_page_has_its_own_title_description_and_canonical_url(client, site, wrap):
    client.post(reverse("basket:add", kwargs={"pk": wrap.pk}), {"quantity": 1})
    pages = {name: meta(parse(client.get(url))) for name, url in site.items()}

    titles = [page["title"] for page in pages.values()]
    descriptions = [page["description"] for page in pages.values()]
    assert len(set(titles)) == len(titles), titles
    assert len(set(descriptions)) == len(descriptions), descriptions
    for name, page in pages.items():
        url = f"http://testserver{site[name]}"
        assert page["canonical"] == [url], name
        assert page["og:url"] == url
        assert page["og:title"] == page["twitter:title"] == page["title"]
        assert page["og:description"] == page["twitter:description"] == page["description"]
        assert 20 < len(page["description"]) <= 300, (name, page["description"])
        assert page["og:image"].startswith("http://testserver/")
        assert page["twitter:card"] == "summary_large_image"
        assert page["og:site_name"] == "SimplyJnJ"
    assert pages["article"]["title"].startswith("Why Do I Have Hip Pain After Running?")
    assert pages["article"]["og:type"] == "article"
    assert pages["product"]["og:type"] == "product"
    assert pages["home"]["og:type"] == "website"


def test_a_later_page_of_the_blog_index_is_its_own_canonical_url(client, site):
    for number in range(11):
        Post.objects.create(
            title=f"Advice {number}",
            slug=f"advice-{number}",
            author=Post.objects.first().author,
            status=Post.Status.PUBLISHED,
            body="Rest, then run.",
        )
    page = meta(parse(client.get(site["blog"], {"page": 2})))
    assert page["canonical"] == ["http://testserver/blog/?page=2"]


def test_the_article_describes_itself_as_an_article_with_breadcrumbs(client, site):
    post = Post.objects.get(slug=ARTICLE_SLUG)
    data = json_ld(parse(client.get(ARTICLE_URL)))

    article = data["Article"]
    assert article["headline"] == "Why Do I Have Hip Pain After Running?"
    assert article["author"] == {"@type": "Person", "name": post.author.get_full_name()}
    assert article["author"]["name"]
    assert article["datePublished"] == post.published_at.isoformat()
    assert article["dateModified"] == post.updated_at.isoformat()
    assert article["publisher"]["name"] == "SimplyJnJ"
    assert article["image"].startswith("http://testserver/")
    assert article["mainEntityOfPage"] == f"http://testserver{ARTICLE_URL}"

    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Home", "http://testserver/"),
        (2, "Advice", "http://testserver/blog/"),
        (3, post.title, f"http://testserver{ARTICLE_URL}"),
    ]


def test_the_product_page_offers_the_wrap_at_its_price(client, site, wrap):
    data = json_ld(parse(client.get(site["product"])))

    product = data["Product"]
    assert product["name"] == "SimplyJnJ Cold Therapy Ice Gel Wrap"
    assert product["sku"] == "SJNJ-ICE-WRAP-01"
    assert product["image"].startswith("http://testserver/media/")
    assert product["offers"] == {
        "@type": "Offer",
        "price": "34.00",
        "priceCurrency": "USD",
        "availability": "https://schema.org/InStock",
        "url": f"http://testserver{site['product']}",
        "seller": {"@type": "Organization", "name": "SimplyJnJ", "url": "http://testserver/"},
    }
    assert "aggregateRating" not in product  # no reviews yet
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Cold Therapy", wrap.get_title()]


def test_an_out_of_stock_wrap_is_offered_as_out_of_stock(client, site, wrap):
    wrap.stockrecords.update(num_in_stock=0)
    offer = json_ld(parse(client.get(site["product"])))["Product"]["offers"]
    assert offer["availability"] == "https://schema.org/OutOfStock"


def test_approved_reviews_give_the_product_a_rating(client, site, wrap):
    for score in (5, 4):
        ProductReview.objects.create(
            product=wrap, score=score, title="Helps", body="Cold fast.", name="Jo",
            email="jo@example.com", status=ProductReview.APPROVED,
        )  # fmt: skip
    ProductReview.objects.create(
        product=wrap, score=1, title="Hmm", body="Waiting.", name="Al",
        email="al@example.com", status=ProductReview.FOR_MODERATION,
    )  # fmt: skip

    rating = json_ld(parse(client.get(site["product"])))["Product"]["aggregateRating"]
    assert rating == {
        "@type": "AggregateRating",
        "ratingValue": 4.5,
        "reviewCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }


def test_json_ld_cannot_be_closed_early_by_a_title(client, site):
    Post.objects.filter(slug=ARTICLE_SLUG).update(title="Ice </script><script>alert(1)</script>")
    response = client.get(ARTICLE_URL)
    assert b"</script><script>alert(1)" not in response.content
    assert json_ld(parse(response))["Article"]["headline"].startswith("Ice </script>")


def test_the_sitemap_lists_posts_products_and_categories(client, site, wrap):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap)
    paths = {loc.text.split("://", 1)[1].split("/", 1)[1] for loc in root.findall(".//s:loc", ns)}
    category = wrap.get_categories().get()
    assert {
        ARTICLE_URL.lstrip("/"),
        site["product"].lstrip("/"),
        category.get_absolute_url().lstrip("/"),
        "",  # the home page
        site["blog"].lstrip("/"),
        site["shop"].lstrip("/"),
    } <= paths


def test_the_sitemap_dates_each_article_by_its_own_date(client, site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (our own sitemap)
    lastmod = {
        url.findtext("s:loc", namespaces=ns).split("://", 1)[1].split("/", 1)[1]: url.findtext(
            "s:lastmod", namespaces=ns
        )
        for url in root.findall("s:url", ns)
    }
    assert lastmod[ARTICLE_URL.lstrip("/")] == "2019-06-03"


def test_quotes_in_a_search_stay_inside_the_meta_tags(client, site):
    document = parse(client.get(reverse("search:search"), {"q": "ice"}))
    tags = meta(document)
    assert '"ice"' in tags["title"]
    assert '"ice"' in tags["og:title"]
    assert '"ice"' in tags["twitter:title"]
    assert tags["description"].startswith(tags["title"])


def test_pages_announce_the_advice_feeds(client, site):
    for url in (site["home"], site["article"], site["product"]):
        links = {
            (link.get("type"), link.get("href"))
            for link in parse(client.get(url)).iter("link")
            if link.get("rel") == "alternate"
        }
        assert ("application/rss+xml", reverse("blog:feed")) in links
        assert ("application/atom+xml", reverse("blog:feed_atom")) in links
    article_links = [
        link.get("href")
        for link in parse(client.get(site["article"])).iter("link")
        if link.get("rel") == "alternate"
    ]
    assert reverse("blog:comments_feed", kwargs={"slug": ARTICLE_SLUG}) in article_links
