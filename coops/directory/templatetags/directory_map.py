"""Template tags of the directory's maps: `{% map_tiles as tiles %}` gives the tile server
(settings.MAP_TILE_URL) and its attribution, for pages whose view does not pass them."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tiles() -> dict[str, str]:
    return {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
