"""The characters of a name part, as a condition the two-character search can serve from an index (decision 0044).

pg_trgm indexes a ``LIKE '%…%'`` query of three characters or more; a two-character query has no trigram, so it
scanned the whole of the user's scope (every row of a county's cases for its leader). Chinese names are mostly two
or three characters, so a two-character query (a given name, a surname and one character) is common at a window.
On PostgreSQL migration ``cases.0026`` adds a GIN index on the name's characters (``string_to_array(name, NULL)``,
a built-in IMMUTABLE function: no function of ours in the schema, nothing for the seeding ledger or a Citus
distribution to carry), and ``HasChars`` asks it for the rows whose name holds every character of the query. It is
only ever combined with the ``LIKE`` itself, which keeps the characters' order and adjacency, so the result is the
``LIKE``'s alone. Elsewhere (SQLite) it is ``TRUE``: the scope is scanned as before, fast at a county's volumes.
"""
from __future__ import annotations

from django.db.models import BooleanField, F, Func

CHARS_INDEX = "case_applicant_name_chars_idx"


class HasChars(Func):
    """``column`` holds every character of ``text`` (in any order: combine it with the ``LIKE`` that needs them)."""

    output_field = BooleanField()  # a condition: usable in filter() and Q

    def __init__(self, column: str, text: str) -> None:
        super().__init__(F(column))
        self.chars = sorted(set(text))

    def as_sql(self, compiler, connection, **extra_context):  # any database without the index: no condition
        return "1 = 1", []

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        # The index's own expression (string_to_array of the column, NULL delimiter: one element a character).
        return f"string_to_array({column}, NULL) @> %s::text[]", [*params, self.chars]
