from oscar.apps.catalogue.reviews import apps


class CatalogueReviewsConfig(apps.CatalogueReviewsConfig):
    name = "shop.catalogue.reviews"
