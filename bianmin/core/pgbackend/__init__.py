"""Django's PostgreSQL backend with one change: small bulk inserts are plain VALUES (see compiler.py)."""
