"""Data files shipped with zhtext (see README: where the built-in data comes from)."""
