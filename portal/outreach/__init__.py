"""Talking to restaurants: their status link by email (from the restaurant page, in
bulk, or as an automatic reminder), the contacts panel, and the status page's opens."""
