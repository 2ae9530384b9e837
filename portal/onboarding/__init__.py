"""The onboarding work across restaurants: the board, "My restaurants", the list's
bulk actions and the dashboard's "Your work"."""
