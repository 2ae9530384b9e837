"""The delivery area as a folium map that works without internet access.

Leaflet's files come from the portal's own static files (the pinned
django-leaflet package ships them), never from a CDN; tiles come from
MAP_TILE_URL and, when they cannot load, the polygon is still drawn.
"""

import html
import math
import re
from dataclasses import dataclass

import folium
from django.conf import settings
from django.core.exceptions import ValidationError
from django.templatetags.static import static

from restaurants.validators import decode_delivery_area

EARTH_RADIUS_KM = 6371.0088
# An opening <script> or <style> tag of folium's document. Text from the
# platform cannot form one: it is HTML-escaped before folium sees it.
INLINE_TAG = re.compile(r"<(script|style)(?=[\s>])")


@dataclass(frozen=True)
class DeliveryArea:
    points: list  # (latitude, longitude)
    area_km2: float
    contains_restaurant: bool | None


def delivery_area(restaurant):
    """The decoded area, or a message saying why there is no map."""
    if restaurant.delivery_enabled is None:
        # A section real payloads may leave out: whether it delivers is unknown.
        return None, "The platform sent no delivery settings for this restaurant."
    if not restaurant.delivery_enabled:
        return None, "This restaurant does not deliver."
    if not restaurant.delivery_area:
        return None, "Delivery is on, but the platform sent no delivery area."
    try:
        points = decode_delivery_area(restaurant.delivery_area)
    except ValidationError:
        return None, "The delivery area could not be read: it is not a valid encoded polygon."
    inside = None
    if restaurant.latitude is not None and restaurant.longitude is not None:
        inside = contains(points, (restaurant.latitude, restaurant.longitude))
    return DeliveryArea(points, area_km2(points), inside), ""


def area_km2(points):
    """Area of a polygon on the sphere (latitude, longitude in degrees), in km²."""
    total = 0.0
    for (lat1, lng1), (lat2, lng2) in zip(points, points[1:] + points[:1], strict=True):
        total += math.radians(lng2 - lng1) * (
            2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2))
        )
    return abs(total) * EARTH_RADIUS_KM**2 / 2


def contains(points, point):
    """Ray casting: is `point` inside the polygon?"""
    (y, x), inside = point, False
    for (y1, x1), (y2, x2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def render(restaurant: object, area: DeliveryArea, nonce: str) -> str:
    """A complete HTML document with the map, loading only the portal's own files.

    folium writes its scripts and styles inline; each carries `nonce`, the one
    the page's Content-Security-Policy allows, so that nothing else runs.
    """
    fmap = offline_map()
    folium.Polygon(
        area.points,
        color="#1f6feb",
        weight=3,
        fill=True,
        fill_opacity=0.2,
        tooltip=_tooltip_text(_area_label(restaurant, area)),
    ).add_to(fmap)
    if restaurant.latitude is not None and restaurant.longitude is not None:
        folium.CircleMarker(
            (restaurant.latitude, restaurant.longitude),
            radius=7,
            color="#d1242f",
            fill=True,
            fill_opacity=0.9,
            tooltip=_tooltip_text(restaurant.name or "Restaurant"),
        ).add_to(fmap)
    fmap.fit_bounds(_bounds(area.points, restaurant))
    return nonced(fmap, nonce)


def offline_map(**options: object) -> folium.Map:
    """A folium map that loads Leaflet from the portal's static files, with tiles
    from MAP_TILE_URL when it names any."""
    tiles = settings.MAP_TILE_URL or None
    fmap = folium.Map(tiles=tiles, attr=settings.MAP_TILE_ATTRIBUTION if tiles else None, **options)
    fmap.default_js = [("leaflet", static("leaflet/leaflet.js"))]
    fmap.default_css = [
        ("leaflet_css", static("leaflet/leaflet.css")),
        ("portal_map_css", static("css/map.css")),
    ]
    return fmap


def nonced(fmap: folium.Map, nonce: str) -> str:
    """The map's HTML document, each inline script and style carrying `nonce`."""
    return INLINE_TAG.sub(rf'<\1 nonce="{nonce}"', fmap.get_root().render())


def _tooltip_text(text):
    """Text safe inside folium's tooltip, which is HTML in a JavaScript template literal.

    Names and currencies come from the platform: escaped for HTML, and the
    characters a template literal treats specially are written as entities.
    """
    escaped = html.escape(text)
    return escaped.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _area_label(restaurant, area):
    label = f"Delivery area: {area.area_km2:.1f} km²"
    if restaurant.delivery_minimum is not None:
        currency = restaurant.currency_code or ""
        label += f" · minimum order {restaurant.delivery_minimum:.2f} {currency}".rstrip()
    return label


def _bounds(points, restaurant):
    lats = [lat for lat, _ in points]
    lngs = [lng for _, lng in points]
    if restaurant.latitude is not None and restaurant.longitude is not None:
        lats.append(restaurant.latitude)
        lngs.append(restaurant.longitude)
    return [(min(lats), min(lngs)), (max(lats), max(lngs))]
