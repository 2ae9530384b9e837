"""The Toast platform API client (no Django models in here)."""
