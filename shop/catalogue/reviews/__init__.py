default_app_config = "shop.catalogue.reviews.apps.CatalogueReviewsConfig"
