"""The all-restaurants map's document: a folium map with one marker-cluster layer,
filled in the browser from the markers' JSON (static/js/restaurants-map.js).

10,000 markers written by folium would be 10,000 inline objects in the page,
a document of megabytes rendered on every visit; as JSON they are one query
and a few hundred kilobytes, and Leaflet.markercluster adds them in chunks.
Its files come from the pinned xstatic-leaflet-markercluster package, served
from the portal's static files like Leaflet's.
"""

from django.templatetags.static import static
from folium.elements import MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template

from restaurants.delivery_map import nonced, offline_map

CLUSTER_JS = [("markerclusterjs", "leaflet.markercluster/leaflet.markercluster.js")]
CLUSTER_CSS = [
    ("markerclustercss", "leaflet.markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", "leaflet.markercluster/MarkerCluster.Default.css"),
]


class _Loader(MacroElement):
    """Hands the map and its cluster layer to the portal's script, with the JSON's URL."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            portalRestaurantsMap({{ this._parent.get_name() }}, {{ this.cluster.get_name() }},
                {{ this.url|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, cluster: MarkerCluster, url: str) -> None:
        super().__init__()
        self._name = "PortalLoader"
        self.cluster, self.url = cluster, url


def render(markers_url: str, nonce: str) -> str:
    # Clustering needs the map's maximum zoom, which a tile layer would give (there is
    # none when MAP_TILE_URL is empty).
    fmap = offline_map(location=(39.5, -98.35), zoom_start=4)
    fmap.options["maxZoom"] = 18
    fmap.default_js = [
        *fmap.default_js,
        ("portal_restaurants_map", static("js/restaurants-map.js")),
    ]
    cluster = MarkerCluster(options={"chunkedLoading": True, "showCoverageOnHover": False})
    cluster.default_js = [(name, static(path)) for name, path in CLUSTER_JS]
    cluster.default_css = [(name, static(path)) for name, path in CLUSTER_CSS]
    cluster.add_to(fmap)
    fmap.add_child(_Loader(cluster, markers_url))
    return nonced(fmap, nonce)
