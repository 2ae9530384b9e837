"""The static files' storage: WhiteNoise's compressed files under hashed names."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Source-map comments in JavaScript are left as they are, not resolved to hashed
    names: Leaflet.markercluster's minified file names a map its package does not
    ship, and a missing map must not stop collectstatic (only a browser's developer
    tools ever ask for one)."""

    patterns = tuple(
        (glob, rules)
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
        if glob != "*.js"
    )
