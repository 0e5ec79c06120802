"""Connecting to the team server. Credentials come from libpq: the environment (PGUSER,
PGPASSWORD, PGSERVICE, PGSSLMODE, ...), ~/.pgpass or a service file; never from the project file,
and a server address with a password in it is refused (it would be stored in every replica)."""

from __future__ import annotations

from qualcode.errors import ProjectError


def _psycopg():
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        raise ProjectError("the team server needs psycopg: pip install 'psycopg[binary]'.") from None
    return psycopg


def check_url(url: str) -> dict:
    """The connection settings in ``url``; refuses one that carries a password."""
    psycopg = _psycopg()
    try:
        params = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ProjectError(f"{url!r} is not a PostgreSQL address ({exc}).") from None
    if params.get("password"):
        raise ProjectError("the server address contains a password; put it in ~/.pgpass, a service "
                           "file or PGPASSWORD instead (the address is stored in the project file).")
    return params


def describe(url: str) -> str:
    """The address for messages: host, port, database, user; never a password."""
    params = check_url(url)
    parts = [f"{k}={params[k]}" for k in ("host", "port", "dbname", "user", "service") if params.get(k)]
    return " ".join(parts) or url


def connect(url: str, autocommit: bool = False, timeout: int = 10):
    psycopg = _psycopg()
    check_url(url)
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=timeout,
                               application_name="qualcode")
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise ProjectError(f"cannot reach the team server ({describe(url)}): {first}") from None


def server_error(exc, what: str) -> ProjectError:
    """A database error as one sentence for the user."""
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return ProjectError(f"{what}: the server refused: {msg}")


class ServerErrors:
    """``with ServerErrors("sync"):`` turns a database error into one sentence for the user."""

    def __init__(self, what: str, url: str | None = None):
        self.what = what
        self.url = url

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        psycopg = _psycopg()
        if exc is None or not isinstance(exc, psycopg.Error):
            return False
        where = f" ({describe(self.url)})" if self.url else ""
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            raise ProjectError(f"{self.what}{where}: permission denied by the server — you are not a member "
                               "with that right (a manager grants roles with 'qualcode server grant').") from None
        if isinstance(exc, psycopg.OperationalError):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
            raise ProjectError(f"{self.what}{where}: lost the connection to the team server ({first}); "
                               "nothing was lost, sync again when it is back.") from None
        raise server_error(exc, f"{self.what}{where}") from None
