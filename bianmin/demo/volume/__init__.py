"""Bulk case history for benchmarks (``manage.py seed_volume``): plan, generate, load.

- ``rows``: each table's COPY column list, derived from the model's concrete fields (a new column without a default
  stops the command instead of being left out), and COPY text for PostgreSQL or rows for SQLite;
- ``generate``: the cases and their history as COPY text, batch by batch (pure Python, no database: it runs in
  worker processes);
- ``load``: on PostgreSQL one transaction that locks the tables, reserves the ids, drops the indexes (the primary
  keys no loaded table refers to included) and foreign keys of a large load and recreates them from the catalogue's
  own definitions before committing (an error or a killed process rolls everything back, indexes included); on
  SQLite plain inserts;
- ``province``: more counties with their centers and window staff (the province of issue 16).
"""
