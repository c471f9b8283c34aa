"""The site as `make lighthouse` serves it: the production WSGI app, with uploaded
media (product thumbnails, made on first view) served by whitenoise as a web
server or CDN would serve them in production."""

from django.conf import settings
from whitenoise import WhiteNoise

from shop.wsgi import application as site

application = WhiteNoise(site, autorefresh=True)
application.add_files(settings.MEDIA_ROOT, prefix=settings.MEDIA_URL)
