"""Settings for the SimplyJnJ site.

Everything that differs between a laptop, CI and production comes from the
environment (see README.md, "Configuration"). The defaults are for `make run`:
SQLite, a filesystem Celery broker and emails written to files, all under var/.
"""

from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from oscar.defaults import *  # noqa: F403

from shop.config import STRIPE_DEV_DEFAULTS, cache_config, stripe_settings_problem

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the site refuses to start without one: "
            "export SECRET_KEY to a long random string."
        )
    SECRET_KEY = "dev-only-insecure-key-never-used-with-debug-off"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -----------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Oscar, wired as its "Building your own shop" guide says.
    "shop.oscar_shop.Shop",
    "shop.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "shop.shipping.apps.ShippingConfig",
    "shop.catalogue.apps.CatalogueConfig",
    "shop.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "oscar.apps.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "shop.order.apps.OrderConfig",
    "shop.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    # Django's own widget templates, for FORM_RENDERER.
    "django.forms",
    # Third-party apps Oscar depends on.
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    "csp",
    "axes",
    # Ours.
    "shop",
    "shop.core.apps.CoreConfig",
    "shop.core.outbox.apps.OutboxConfig",
    "blog",
    "newsletter",
    "shop.core.privacy",
]

SITE_ID = 1
# The public host name, used for links in emails and feeds.
SITE_DOMAIN = env.str("SITE_DOMAIN", default="127.0.0.1:8000")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Oscar's dashboard: its inline handlers, by hash (shop/core/middleware.py).
    "shop.core.middleware.DashboardInlineHandlersMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages (whitenoise serves static files compressed already). Django
    # pads compressed responses at random against BREACH; CSRF tokens are masked.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "newsletter.middleware.VoucherAttemptLimitMiddleware",
    "shop.core.middleware.PrivatePagesMiddleware",
    # Answers a sign-in refused by the lockout (django-axes).
    "axes.middleware.AxesMiddleware",
    # Last, so a cached page skips only URL resolution and the view (see shop/core/pagecache.py).
    "shop.core.pagecache.AnonymousPageCacheMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in (storefront, checkout, dashboard, admin) while locked out.
    "axes.backends.AxesStandaloneBackend",
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "shop.core.pagecache.csrf_token_context",
            ],
        },
    },
]

# Form widgets render with the templates above, so the site's own copies apply
# (e.g. the dashboard's image widget without inline handlers).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Data -------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker both write: take the write lock when a transaction
    # starts and wait for it, instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A Redis cache outage degrades the site, it does not break it (shop.config.cache_config).
CACHES = {
    "default": cache_config(env.str("CACHE_URL", default="locmemcache://")),
    # Whole pages for a second (shop/core/pagecache.py): each process's own memory is
    # enough, and kept apart from the default cache's rate limits and used tokens.
    "pages": cache_config(env.str("PAGE_CACHE_URL", default="locmemcache://pages")),
}
# Sessions read from the default cache, written through to the database: a visitor with
# a session costs no query for it, and every host sharing the cache and database sees it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "shop.cache"

HAYSTACK_CONNECTIONS = {
    "default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"},
}

# --- Email ------------------------------------------------------------------

EMAIL_DIR = VAR_DIR / "mail"
vars().update(env.email_url("EMAIL_URL", default=f"filemail://{EMAIL_DIR}"))
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":  # noqa: F405
    # One .eml file per message, which any mail client opens.
    EMAIL_BACKEND = "shop.mail.EmlFileBackend"
    # django-environ drops the leading "/" of filemail:///an/absolute/path.
    EMAIL_FILE_PATH = "/" + EMAIL_FILE_PATH.lstrip("/")  # noqa: F405
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SimplyJnJ <hello@simplyjnj.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
# The shop's postal address, in the footer of every email (the law in many places asks
# commercial email for one); empty: the footer gives the contact address and page only.
SHOP_POSTAL_ADDRESS = env.str("SHOP_POSTAL_ADDRESS", default="")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# The outbox (shop/core/outbox): every email is a row, sent by a worker.
# Seconds: base of the exponential back-off when a mail server answers "try later" (4xx).
OUTBOX_RETRY_BACKOFF = env.int("OUTBOX_RETRY_BACKOFF", default=30)
# Seconds: how often beat hands over emails still pending this long after they were due.
OUTBOX_REQUEUE_SECONDS = env.int("OUTBOX_REQUEUE_SECONDS", default=60)
# Transactional mail (order, confirm, coupon, account, staff) and newsletters have
# queues, and workers, of their own: a newsletter never delays an order email.
OUTBOX_MAIL_QUEUE = env.str("OUTBOX_MAIL_QUEUE", default="mail")
OUTBOX_BULK_QUEUE = env.str("OUTBOX_BULK_QUEUE", default="bulk")

# --- Celery -----------------------------------------------------------------

CELERY_QUEUE_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default=""))
if not CELERY_BROKER_URL:
    # No server needed for `make run`: kombu's filesystem transport, one machine only.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),  # else ./control/
        "store_processed": False,
    }
else:
    # Longer than any retry back-off, so Redis never redelivers a task that is
    # only waiting for its countdown (tasks retry for at most an hour).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task must never hang on a dead broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = "UTC"
# Periodic tasks (run `celery -A shop beat`; `make run` starts it).
CELERY_BEAT_SCHEDULE = {
    # Emails nobody is sending (the broker was down at the commit, a worker vanished,
    # a retry was lost) are handed to the broker again.
    "outbox-requeue": {
        "task": "shop.core.outbox.tasks.requeue_overdue",
        "schedule": OUTBOX_REQUEUE_SECONDS,
    },
    # A charge whose order was not placed (the request died, placing it failed) gets
    # its order, or its refund, a minute or two later.
    "checkout-settle-unsettled-payments": {
        "task": "shop.checkout.tasks.settle_unsettled_payments",
        "schedule": 60,
    },
    # IP addresses and old orders' personal fields are cleared once kept long enough.
    "privacy-retention": {"task": "shop.core.privacy.tasks.apply_retention", "schedule": 60 * 60},
}

# --- Privacy (shop/core/privacy/) -------------------------------------------------

# Days the IP address (and browser name) of a comment or newsletter consent is kept:
# long enough to fight spam and prove consent was given from somewhere, then cleared.
PRIVACY_IP_RETENTION_DAYS = env.int("PRIVACY_IP_RETENTION_DAYS", default=90)
# Days an order keeps the buyer's name, addresses and email after it was placed; then
# they are removed. Seven years covers US federal and state tax record keeping (the
# IRS asks for up to 7 years); check the law where you sell before lowering it.
ORDER_RETENTION_DAYS = env.int("ORDER_RETENTION_DAYS", default=7 * 366)

# --- Payments (Stripe API; localstripe on loopback in dev and tests) ---------

# With DEBUG on, the API is localstripe as `make run` starts it, with its public
# keys; with DEBUG off and STRIPE_API_BASE unset, it is Stripe itself, and the
# site refuses to start without real keys (anyone can sign a webhook event with
# a public secret).
LOCALSTRIPE_URL = f"http://127.0.0.1:{env.int('LOCALSTRIPE_PORT', default=8420)}"
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default=LOCALSTRIPE_URL if DEBUG else "")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default=STRIPE_DEV_DEFAULTS["STRIPE_SECRET_KEY"])
STRIPE_PUBLISHABLE_KEY = env.str(
    "STRIPE_PUBLISHABLE_KEY", default=STRIPE_DEV_DEFAULTS["STRIPE_PUBLISHABLE_KEY"]
)
STRIPE_WEBHOOK_SECRET = env.str(
    "STRIPE_WEBHOOK_SECRET", default=STRIPE_DEV_DEFAULTS["STRIPE_WEBHOOK_SECRET"]
)
STRIPE_JS_URL = env.str(
    "STRIPE_JS_URL",
    default=f"{STRIPE_API_BASE}/js.stripe.com/v3/"
    if STRIPE_API_BASE
    else "https://js.stripe.com/v3/",
)
if not DEBUG:
    _problem = stripe_settings_problem(
        secret_key=STRIPE_SECRET_KEY,
        publishable_key=STRIPE_PUBLISHABLE_KEY,
        webhook_secret=STRIPE_WEBHOOK_SECRET,
        api_base=STRIPE_API_BASE,
    )
    if _problem:
        raise ImproperlyConfigured(f"{_problem} With DEBUG off the site refuses to start.")

# --- Internationalisation, static and media files ---------------------------

LANGUAGE_CODE = "en-us"
LANGUAGES = [("en-us", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
# The shop's words where Oscar's differ: Cart for basket, Coupon for voucher (make messages).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# With several web hosts, uploads and thumbnails go to one bucket of an object store
# (S3 API, django-storages); credentials come from boto3's own AWS_* variables.
MEDIA_BUCKET = env.str("MEDIA_BUCKET", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if MEDIA_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="us-east-1"),
            "custom_domain": env.str("MEDIA_CUSTOM_DOMAIN", default="") or None,
            # Plain URLs (objects readable by anyone, as on a site's own host): the same
            # on every page and every host, so cached pages and fragments stay valid.
            "querystring_auth": False,
            "default_acl": "public-read",
            "file_overwrite": False,
        },
    }

# --- Oscar ------------------------------------------------------------------

# Thumbnails: JPEG at a quality the eye cannot tell from sorl's default 95, at half the bytes.
THUMBNAIL_QUALITY = 82
# A picture missing from storage shows no picture; it does not fail the page.
OSCAR_THUMBNAILER = "shop.core.thumbnails.Thumbnailer"

OSCAR_SHOP_NAME = "SimplyJnJ"
OSCAR_SHOP_TAGLINE = "Health products for a speedy recovery"
OSCAR_DEFAULT_CURRENCY = "USD"
OSCAR_ALLOW_ANON_CHECKOUT = True
# Reviews come from signed-in customers and wait for staff approval in the dashboard
# (Dashboard > Catalogue > Reviews); only approved ones are shown and rated.
OSCAR_ALLOW_ANON_REVIEWS = False
OSCAR_MODERATE_REVIEWS = True
OSCAR_HOMEPAGE = reverse_lazy("home")
OSCAR_INITIAL_ORDER_STATUS = "Pending"
OSCAR_INITIAL_LINE_STATUS = "Pending"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Pending": ("Paid", "Cancelled"),
    "Paid": ("Shipped", "Cancelled"),
    "Shipped": (),
    "Cancelled": (),
}

# --- Page cache (shop/core/pagecache.py) -----------------------------------------

# Pages for visitors without a session or basket are served from the cache for at
# most this long (seconds), so a change shows within it; 0 turns the cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=1)
PAGE_CACHE_VIEWS = {
    "home",
    "blog:post_list",
    "blog:post_detail",
    "catalogue:index",
    "catalogue:category",
    "catalogue:detail",
}
# Cookies no cached page depends on: any other cookie makes the request pass by the cache.
PAGE_CACHE_IGNORED_COOKIES = ["csrftoken", "comment_author", "comments_written"]
# What a cached page fills in per response is registered by the app that owns it
# (shop.core.pagecache.register_placeholder).

# The header's basket is cached under a key of its lines, prices and vouchers; offers
# have no time of change, so a new or edited offer shows there within this many seconds
# (shop/templatetags/basket_keys.py). The basket page and checkout apply offers afresh.
BASKET_FRAGMENT_SECONDS = 60

# --- Clients and limits (shop/core/) ----------------------------------------

# The proxies in front of the site whose X-Forwarded-For entries are believed: how
# many there are ("1" for one nginx), or the networks they live in
# ("10.0.0.0/8,127.0.0.1"). Empty (the default): the header is ignored, since any
# client can send one, and the client is the connection's peer.
_trusted_proxies = env.str("TRUSTED_PROXIES", default="").strip()
if _trusted_proxies.isdigit():
    TRUSTED_PROXIES = int(_trusted_proxies)
else:
    TRUSTED_PROXIES = [cidr.strip() for cidr in _trusted_proxies.split(",") if cidr.strip()]
    for _cidr in TRUSTED_PROXIES:
        try:
            ip_network(_cidr, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {_cidr!r} is neither a count nor an address or network"
            ) from None

# {name: (hits, seconds)}: at most `hits` per client (and per other key where the
# code says) in a window that starts at the first hit and lasts `seconds`.
RATE_LIMITS = {
    # Newsletter signups per client address.
    "newsletter.signup": (10, 60 * 60),
    # Voucher codes tried in the basket per client address and per session.
    "voucher.try": (10, 15 * 60),
    # Comment posts per client address.
    "blog.comment": (5, 60),
    # Product reviews written per client address.
    "reviews.add": (5, 60 * 60),
    # Registrations per client address (each one sends an email).
    "account.register": (10, 60 * 60),
    # Privacy requests (each one sends an email) per client address and per mailbox.
    "privacy.request": (5, 60 * 60),
}

# Sign-in lockout (django-axes) on every login form: after LOGIN_FAILURE_LIMIT
# failed attempts for one account, or from one client address, sign-in is refused
# for LOGIN_LOCKOUT_MINUTES. Signing in (or resetting the password, which signs
# in) clears the account's failures.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The lockout ends when the page says it does, whatever an attacker keeps trying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "shop.core.client.client_address"
AXES_USERNAME_CALLABLE = "shop.core.accounts.login_name"
AXES_LOCKOUT_CALLABLE = "shop.core.accounts.locked_out"

# How long signed links stay valid (seconds): the newsletter's confirm link, and the
# thank-you page's link that shows an order without a session.
NEWSLETTER_CONFIRM_MAX_AGE = 3 * 24 * 60 * 60
CHECKOUT_THANK_YOU_LINK_MAX_AGE = 7 * 24 * 60 * 60

# Pages under these paths hold a visitor's own data: sent with
# `Cache-Control: private, no-store` (as is every page for a signed-in visitor).
PRIVATE_PATH_PREFIXES = (
    "/basket/",
    "/checkout/",
    "/accounts/",
    "/dashboard/",
    "/wishlists/",
    "/privacy/confirm/",
)

# --- Blog comments (blog/) ---------------------------------------------------

# A comment form sent sooner than this after the page was shown is refused as automated.
BLOG_COMMENT_MIN_SECONDS = env.float("BLOG_COMMENT_MIN_SECONDS", default=3)
# How long a shown comment form stays valid (seconds).
BLOG_COMMENT_FORM_MAX_AGE = 24 * 60 * 60

# --- Security ---------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    OSCAR_BASKET_COOKIE_SECURE = True
    OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True

# Scripts only from here, Stripe.js's host, and inline ones carrying the request's nonce.
_stripe_js_origin = "{0.scheme}://{0.netloc}".format(urlsplit(STRIPE_JS_URL))
_stripe_api_origin = "{0.scheme}://{0.netloc}".format(
    urlsplit(STRIPE_API_BASE or "https://api.stripe.com")
)
# Pictures from the media bucket when it is on another host.
_media_origin = []
if MEDIA_BUCKET:
    _options = STORAGES["default"]["OPTIONS"]
    if _options["custom_domain"]:
        _media_origin = [f"https://{_options['custom_domain']}"]
    elif _options["endpoint_url"]:
        _media_origin = ["{0.scheme}://{0.netloc}".format(urlsplit(_options["endpoint_url"]))]
    else:
        _media_origin = [f"https://{MEDIA_BUCKET}.s3.amazonaws.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, _stripe_js_origin],
        # Oscar's templates hide a few elements with style attributes.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", *_media_origin],
        "connect-src": [SELF, _stripe_api_origin],
        "frame-src": [SELF, _stripe_js_origin, "https://hooks.stripe.com"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = {
    "camera": [],
    "geolocation": [],
    "microphone": [],
    "payment": ["self"],
    "usb": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Lines about a request name its client as shop.core.client sees it (not the proxy).
    "filters": {
        "client": {"()": "shop.core.client.ClientAddressFilter"},
        "cache_outage": {"()": "shop.config.OneLineCacheWarning"},
    },
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
        "request": {"format": "%(levelname)s %(name)s: %(message)s (client %(client)s)"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "requests": {
            "class": "logging.StreamHandler",
            "formatter": "request",
            "filters": ["client"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"handlers": ["requests"], "propagate": False},
        "django.security": {"handlers": ["requests"], "propagate": False},
        "shop.cache": {"filters": ["cache_outage"]},
    },
}
