"""The database engine `bianmin.core.pgbackend` (settings choose it for every PostgreSQL alias): Django's own
PostgreSQL backend, whose SQL compilers come from `bianmin.core.pgbackend.compiler`."""
from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "bianmin.core.pgbackend.compiler"

    def last_executed_query(self, cursor, sql, params):
        """The statement as logged (DEBUG, ``CaptureQueriesContext``): a prepared read's cursor binds on the server
        and keeps no text of its own, so it is composed here as Django composes it for server-side binding."""
        if getattr(cursor, "binds_on_server", False):
            try:
                return self.compose_sql(sql, params)
            except Exception:  # logging a statement never fails the request
                return sql
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
