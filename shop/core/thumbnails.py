from oscar.core.thumbnails import SorlThumbnail


class Thumbnailer(SorlThumbnail):
    """Oscar's sorl-thumbnail generator, except that a picture whose file cannot be read
    (missing from storage, say) gives no thumbnail rather than one without a size: a page
    then shows no picture (logged by sorl) instead of failing on the thumbnail's width."""

    def generate_thumbnail(self, source, **opts):
        thumbnail = super().generate_thumbnail(source, **opts)
        return thumbnail if thumbnail.size else None
