from oscar.apps.catalogue import views


class ProductDetailView(views.ProductDetailView):
    """Oscar's product page, with what it shows fetched up front (a fixed number of queries)."""

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("product_class", "parent")
            .prefetch_related("images", "stockrecords", "attribute_values__attribute")
        )
