"""One frozen :class:`Settings` object, read once from ``DELIBERATE_*`` environment variables.

Every setting carries a one-line description in its field metadata. ``docs/settings.md`` lists them
all and ``tests/test_docs.py`` keeps the two in step. Nothing else in the code base reads the
environment: build the object once at the edge (CLI, ASGI factory) and pass it down.

>>> settings = Settings.from_environ({"DELIBERATE_MAX_STATEMENT_LENGTH": "200"})
>>> settings.max_statement_length
200
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from deliberate.errors import ConfigurationError

__all__ = ["DEMO_DATABASE_URL", "ENV_PREFIX", "Settings"]

ENV_PREFIX = "DELIBERATE_"
# Where `deliberate demo` keeps its data when DELIBERATE_DATABASE_URL is not set; the read-only
# commands (report, analyze, export) look there too.
DEMO_DATABASE_URL = "sqlite:///./deliberate-demo.db"


def _setting(default: Any, description: str, *, secret: bool = False) -> Any:
    return field(default=default, metadata={"description": description, "secret": secret})


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Runtime configuration. Build it with :meth:`from_environ`; never mutate it."""

    # Storage and scale-out
    database_url: str = _setting(
        "sqlite:///./deliberate.db",
        "SQLAlchemy URL of the store: SQLite (embedded default) or postgresql+psycopg://…",
    )
    redis_url: str = _setting(
        "", "Redis URL for cross-worker events (pub/sub); empty keeps events in-process"
    )
    redis_namespace: str = _setting(
        "",
        "Prefix of this deployment's Redis channels and keys, so that deployments can share one"
        " Redis; empty derives one from the database URL (the same database, the same events)",
    )
    sqlite_busy_timeout_ms: int = _setting(
        5000, "How long a SQLite connection waits for the write lock, in milliseconds"
    )
    sqlite_page_size: int = _setting(
        4096,
        "Page size in bytes of a new SQLite database (512 to 65536, a power of two); an existing"
        " database keeps its own. 16384 imports large conversations faster, costs the vote path",
    )
    vote_commit_window_ms: float = _setting(
        0.0,
        "How long the vote writer waits for more votes after the first of a group commit, in"
        " milliseconds; 0 groups only the votes that arrived during the previous commit",
    )

    # Server
    host: str = _setting("127.0.0.1", "Interface `deliberate serve` binds to")
    port: int = _setting(8000, "TCP port `deliberate serve` listens on")
    access_log: bool = _setting(
        False,
        "Log one line per request (uvicorn's access log, with client addresses); off by default,"
        " errors are logged either way (docs/operations.md)",
    )
    http_parser: str = _setting(
        "auto",
        "HTTP/1.1 parser of `deliberate serve`: auto (httptools when installed), httptools or h11",
    )
    backlog: int = _setting(
        2048, "Connections the kernel queues for `deliberate serve` before it accepts them"
    )
    public_url: str = _setting(
        "", "Public base URL (https://…) used in join links and QR codes; empty uses the request's"
    )
    https: bool = _setting(
        False,
        "Served behind TLS: HSTS, and __Host-/Secure cookies on every request; off, plain-http"
        " requests (a laptop on the room's wifi) get cookies without them (docs/security.md)",
    )
    secret_key: str = _setting(
        "",
        "Key that signs session and export tokens; generated per process when empty",
        secret=True,
    )
    trusted_proxies: str = _setting(
        "",
        "Comma-separated addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For"
        " and X-Forwarded-Proto are honoured; empty (the default) trusts none, not even loopback",
    )
    max_body_size: int = _setting(
        1_048_576,
        "Largest request body accepted, in bytes (larger bodies get 413); a route that takes a"
        " file accepts its file limit plus 64 KiB instead (docs/security.md)",
    )
    max_header_size: int = _setting(
        16_384, "Largest request line and headers together, in bytes (larger get 400, closed)"
    )
    header_timeout: float = _setting(
        10.0, "Seconds a client has to send a request line and headers, else it is disconnected"
    )
    body_timeout: float = _setting(
        60.0, "Seconds a client has to send a request body after its headers, else disconnected"
    )
    keep_alive_timeout: float = _setting(5.0, "Seconds an idle connection stays open")
    upload_cpu_seconds: float = _setting(
        5.0,
        "CPU seconds reading one uploaded spreadsheet (XLSX) may take before it is refused"
        " with 422 (problem too_slow); a 1,000-form sheet takes well under one",
    )
    max_connections: int = _setting(
        1000, "Open connections per server process; beyond that requests get 503"
    )
    default_language: str = _setting("nl", "Interface language when the browser states none")

    # Participation rules
    max_statement_length: int = _setting(280, "Longest statement text, in characters")
    min_statement_length: int = _setting(5, "Shortest statement text, in characters")
    consent_version: str = _setting(
        "2026-11", "Version of the consent text participants agree to; recorded with each consent"
    )
    statements_per_minute: int = _setting(
        10, "Statements one participant may submit per minute before 429"
    )
    votes_burst: int = _setting(
        120, "Votes one participant may cast at once before 429 (each worker counts its own)"
    )
    votes_per_minute: int = _setting(
        60, "Votes one participant may cast per minute after the burst; 0 switches the limit off"
    )
    joins_per_minute: int = _setting(
        120, "Participants one client address may create per minute before 429"
    )
    login_attempts: int = _setting(
        10, "Failed facilitator logins per account and address in 15 minutes before 429"
    )
    login_attempts_per_account: int = _setting(
        50, "Failed logins per account from all addresses together in 15 minutes before 429"
    )
    login_attempts_per_address: int = _setting(
        30, "Failed logins from one address for any usernames in 15 minutes before 429"
    )
    session_idle_minutes: int = _setting(30, "Facilitator session idle timeout, in minutes")
    session_max_hours: int = _setting(12, "Facilitator session absolute lifetime, in hours")
    retention_days: int = _setting(
        365,
        "Days after a consultation's last publication that its per-participant rows are kept;"
        " `deliberate purge` then removes them (docs/privacy.md)",
    )

    # Analysis
    seed: int = _setting(0, "Random seed for projection, clustering and sample data")
    min_votes: int = _setting(
        7, "Votes a participant needs before being clustered (Polis: 7, or all if fewer)"
    )
    privacy_k: int = _setting(
        5, "Opinion groups smaller than this are shown without per-group figures"
    )
    max_groups: int = _setting(5, "Largest number of opinion groups the analysis may choose")
    tally_weight: float = _setting(
        1.0,
        "Votes one hand counted at a table weighs in the per-statement totals, 0 to 1 (1: one"
        " hand, one vote); hands never form groups",
    )
    weight_cap: float = _setting(
        5.0,
        "Largest weight one participant gets when findings are weighted to the population"
        " figures, as a multiple of the mean weight (docs/representativeness.md)",
    )
    analysis_debounce_seconds: float = _setting(
        1.0, "Quiet time after a vote before the live analysis recomputes"
    )
    analysis_full_reload_seconds: float = _setting(
        60.0,
        "Interval of the live analysis's full run: at most this often (or as often as one full"
        " run takes, if longer) a background thread reads the whole consultation from the store"
        " again and refits the map and groups; between full runs each batch of votes updates the"
        " last model",
    )

    # Text understanding
    embedding_model: str = _setting(
        "",
        "Embedding model: a model card name, sentence-transformers name or folder, or lexical,"
        " use-multilingual-v3, combined; empty picks the best offline model (docs/text.md)",
    )
    models_dir: Path = _setting(
        Path("models"), "Folder holding model cards and the local model store"
    )
    allow_model_download: bool = _setting(
        False, "Let `deliberate models pull` reach a model hub; nothing else ever downloads"
    )

    def __post_init__(self) -> None:
        if self.retention_days < 0:
            raise ConfigurationError(
                f"DELIBERATE_RETENTION_DAYS cannot be negative, not {self.retention_days}"
            )
        if self.weight_cap <= 1.0:
            raise ConfigurationError(
                f"DELIBERATE_WEIGHT_CAP must be above 1, not {self.weight_cap}"
            )
        if self.http_parser not in ("auto", "httptools", "h11"):
            raise ConfigurationError(
                f"DELIBERATE_HTTP_PARSER is auto, httptools or h11, not {self.http_parser!r}"
            )
        size = self.sqlite_page_size
        if not 512 <= size <= 65536 or size & (size - 1):
            raise ConfigurationError(
                "DELIBERATE_SQLITE_PAGE_SIZE is a power of two from 512 to 65536,"
                f" not {self.sqlite_page_size}"
            )
        if self.backlog < 1:
            raise ConfigurationError(f"DELIBERATE_BACKLOG must be at least 1, not {self.backlog}")
        if not self.upload_cpu_seconds > 0:  # also refuses NaN
            raise ConfigurationError(
                f"DELIBERATE_UPLOAD_CPU_SECONDS must be above 0, not {self.upload_cpu_seconds}"
            )
        if not 0.0 <= self.tally_weight <= 1.0:
            raise ConfigurationError(
                f"DELIBERATE_TALLY_WEIGHT must be between 0 and 1, not {self.tally_weight}"
            )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from ``DELIBERATE_<FIELD>`` variables; unknown names are an error.

        Raises
        ------
        ConfigurationError
            When a variable has no matching setting or its value cannot be parsed.
        """
        known = {f"{ENV_PREFIX}{f.name.upper()}": f for f in dataclasses.fields(cls)}
        # DELIBERATE_TEST_* variables belong to the test suite, not to the application.
        test_prefix = f"{ENV_PREFIX}TEST_"
        values: dict[str, Any] = {}
        for key, raw in environ.items():
            if not key.startswith(ENV_PREFIX) or key.startswith(test_prefix):
                continue
            if key not in known:
                raise ConfigurationError(f"unknown setting {key}; see docs/settings.md")
            spec = known[key]
            values[spec.name] = _parse(key, raw, _field_type(cls, spec.name))
        return cls(**values)

    def event_namespace(self) -> str:
        """``redis_namespace``, or a short digest of the database URL when that is empty.

        The URL's password is left out and a SQLite path is made absolute first, so that every
        process of one deployment (whatever its working folder) derives the same namespace.
        """
        if self.redis_namespace:
            return self.redis_namespace
        parts = urlsplit(self.database_url)
        netloc = parts.netloc.rsplit("@", 1)
        if len(netloc) == 2:  # user:password@host: keep the user, drop the password
            netloc = [netloc[0].split(":", 1)[0], netloc[1]]
        path = parts.path
        if parts.scheme.startswith("sqlite") and path not in ("", "/", "/:memory:"):
            path = str(Path(path[1:]).resolve())
        shown = urlunsplit((parts.scheme, "@".join(netloc), path, parts.query, ""))
        return "db-" + hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16]

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with ``changes`` applied (settings themselves stay frozen)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """``(variable, default, description)`` for every setting, secrets without default."""
        rows = []
        for spec in dataclasses.fields(cls):
            default = "" if spec.metadata.get("secret") else str(spec.default)
            rows.append((f"{ENV_PREFIX}{spec.name.upper()}", default, spec.metadata["description"]))
        return rows


def _field_type(cls: type[Settings], name: str) -> type:
    hint = typing.get_type_hints(cls)[name]
    if isinstance(hint, types.UnionType):  # pragma: no cover - no optional settings today
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    return typing.cast(type, hint)


def _parse(key: str, raw: str, kind: type) -> Any:
    text = raw.strip()
    try:
        if kind is bool:
            lowered = text.lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(text)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is Path:
            return Path(text)
        return raw
    except ValueError:
        raise ConfigurationError(f"{key}={raw!r} is not a valid {kind.__name__}") from None
