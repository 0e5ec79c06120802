"""The team-server tests share one throwaway PostgreSQL cluster (a session fixture) and give each
test a fresh database on it (``pg``): see pg_fixture.py."""

from tests.server.pg_fixture import pg, pg_cluster  # noqa: F401  (fixtures)
