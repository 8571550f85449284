"""The database engine `bianmin.core.pgbackend` (settings choose it for every PostgreSQL alias): Django's own
PostgreSQL backend, whose SQL compilers come from `bianmin.core.pgbackend.compiler`."""
from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "bianmin.core.pgbackend.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
