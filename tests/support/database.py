"""The test database: migrated once, cloned for each test process.

Oscar brings about 250 migrations; applying them takes a minute or more on a
busy 2-core machine. So the migrated database is kept as a PostgreSQL template
named after a digest of every installed app's migration files, and each test
process (each xdist worker) gets a clone of it (CREATE DATABASE ... TEMPLATE,
about a second), dropped when the process ends. The first run after any
migration is added, changed, removed or renumbered migrates afresh: unlike
pytest-django's --reuse-db, a database built from other migrations (another
branch's, on the same server) is never used. `--create-db` rebuilds the
template; --reuse-db and --no-migrations are refused, as they would test
another schema than the migrations build.

Transactional tests (live server, worker processes, threads) empty every table
after each test. Django does that with one TRUNCATE of ~100 tables, which costs
PostgreSQL about 4 s (new files for each table and index); DELETE of the few
rows a test leaves costs a tenth of a second, with the same result. Content
types and permissions are kept: they are what the models define, and Django's
post_migrate signal, sent after each flush, would write the same rows back (in
a second, where checking that they are there takes a fifth of that).
"""

import hashlib
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

POSTGRESQL = "django.db.backends.postgresql"
KEPT_TABLES = {"django_content_type", "auth_permission"}


def pytest_configure(config):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != POSTGRESQL:
        return
    if config.getvalue("reuse_db") or config.getvalue("nomigrations"):
        raise pytest.UsageError(
            "--reuse-db and --no-migrations are not used here: the test database is "
            "cloned from a template migrated once per set of migrations (--create-db rebuilds it)"
        )
    _empty_tables_with_delete()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Build the template once, in the process that starts the test processes, before
    they start, so that no test's timeout counts the migrations. `--create-db`
    drops the templates first."""
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    config = session.config
    if connection.vendor != "postgresql" or hasattr(config, "workerinput"):
        return
    from django.conf import settings

    original = connection.settings_dict["NAME"]
    with config.stash[blocking_manager_key].unblock():
        base = _base_name(connection)
        if config.getvalue("create_db"):
            with connection._nodb_cursor() as cursor:
                for template in _database_names(cursor, _templates_of(base)):
                    cursor.execute(f"DROP DATABASE IF EXISTS {_quote(template)} WITH (FORCE)")
        with _lock(connection, base) as cursor:
            _migrated_template(connection, base, verbosity=config.option.verbose)
            # Clones left by runs that were killed (their process is gone).
            for name in _database_names(cursor, _quote_like(base) + "\\_%\\_%"):
                pid = name.rsplit("_", 1)[-1]
                if "_migrated_" not in name and pid.isdigit() and not _alive(int(pid)):
                    cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
        # Building it pointed this process's settings at the template: point them back.
        connection.close()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = original


@contextmanager
def _lock(connection, base: str):
    """One process at a time builds the template or clones it (across test runs too)."""
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [base])
        try:
            yield cursor
        finally:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [base])


def _empty_tables_with_delete():
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Foreign keys are deferrable: checked at commit, when every table is empty.
        return ["SET CONSTRAINTS ALL DEFERRED"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}"
            for table in tables
            if table not in KEPT_TABLES
        ]

    DatabaseOperations.sql_flush = sql_flush


def migrations_digest() -> str:
    """Names the schema the migrations build: Django's version and every migration file."""
    import django
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(django.get_version().encode())
    digest.update(repr((settings.INSTALLED_APPS, settings.AUTH_USER_MODEL)).encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key, migration in sorted(loader.disk_migrations.items()):
        digest.update(repr(key).encode())
        digest.update(Path(sys.modules[migration.__module__].__file__).read_bytes())
    return digest.hexdigest()[:12]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _database_names(cursor, like: str) -> list[str]:
    cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [like])
    return [name for (name,) in cursor.fetchall()]


def _base_name(connection) -> str:
    return (
        connection.settings_dict["TEST"].get("NAME") or f"test_{connection.settings_dict['NAME']}"
    )


def _quote_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")


def _templates_of(base: str) -> str:
    """A LIKE pattern for the names of the templates built for `base`."""
    return _quote_like(base) + "\\_migrated\\_%"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _migrated_template(connection, base: str, *, verbosity: int) -> str:
    """The name of a migrated template database; built if missing. Call under the lock."""
    template = f"{base}_migrated_{migrations_digest()}"
    with connection._nodb_cursor() as cursor:
        if _database_names(cursor, template):
            return template
    building = f"{template}_new"
    test_settings = connection.settings_dict["TEST"]
    test_settings["NAME"], test_name = building, test_settings.get("NAME")
    try:
        connection.creation.create_test_db(
            verbosity=verbosity, autoclobber=True, serialize=False, keepdb=False
        )
    finally:
        test_settings["NAME"] = test_name
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {_quote(building)} RENAME TO {_quote(template)}")
        # Templates of older migrations are of no more use.
        for stale in _database_names(cursor, _templates_of(base)):
            if stale != template:
                cursor.execute(f"DROP DATABASE IF EXISTS {_quote(stale)}")
    return template


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """Overrides pytest-django's: a clone of the migrated template for this process."""
    from django.conf import settings
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    connection = connections["default"]
    if connection.settings_dict["ENGINE"] != POSTGRESQL:
        # SQLite: an in-memory database per process, migrated there.
        with django_db_blocker.unblock():
            old_config = setup_databases(verbosity=verbosity, interactive=False)
        yield
        with django_db_blocker.unblock():
            teardown_databases(old_config, verbosity=verbosity)
        return

    original = connection.settings_dict["NAME"]
    base = _base_name(connection)
    # Unique to this run's process: two runs on one database server never share a clone.
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    clone = f"{base}_{worker}_{os.getpid()}"
    with django_db_blocker.unblock():
        with _lock(connection, base) as cursor:
            # Built already by pytest_sessionstart, unless this process started alone.
            template = _migrated_template(connection, base, verbosity=verbosity)
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(clone)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {_quote(clone)} TEMPLATE {_quote(template)}")
        connection.close()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = clone

    yield

    with django_db_blocker.unblock():
        for conn in connections.all():
            conn.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(clone)} WITH (FORCE)")
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = original
