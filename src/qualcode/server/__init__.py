"""A shared live project on a PostgreSQL team server: schema, roles and policies, publish and
clone, sync of the change log, live notifications. Nothing here is imported by the rest of the
program unless a server command runs; psycopg is imported lazily."""
