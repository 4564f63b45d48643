"""Data files of the screening engine (see README.md here)."""
