"""The one settings class. Environment prefix RECTRACK_ (e.g. RECTRACK_HOME).

The Temporal connection itself is configured through temporalio.envconfig
(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE), see `temporal_connect_config`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_CACHED_WORKFLOWS = 1000  # the SDK's default


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RECTRACK_", extra="ignore")

    home: Path = Path(".rectrack")
    database_url: str | None = None  # any SQLAlchemy URL; default: SQLite file under home
    task_queue: str = "rectrack"
    notice_hour: int = Field(default=9, ge=0, le=23)  # office-time hour notices go out
    webhook_timeout_seconds: float = 10.0
    # How long a worker's SQLite write waits on a lock before its activity fails and retries.
    sqlite_busy_timeout_seconds: float = Field(default=15.0, gt=0)
    # How long a starting worker waits for a store that refuses connections (0: not at all).
    store_start_patience_seconds: float = Field(default=60.0, ge=0)
    api_port: int = Field(default=8000, ge=0, le=65535)  # `rectrack dev` serves the API here
    # Workflows a worker keeps in memory between tasks (README "Scale": the memory budget).
    # A memo is 1 + one per recommendation workflows; one evicted is replayed from history.
    worker_cached_workflows: int = Field(default=DEFAULT_CACHED_WORKFLOWS, ge=0)
    # Observability (app.logs, app.telemetry, api.metrics; docs/operations.md). Unset, the
    # logs are text and nothing is traced or served. RECTRACK_LOG_LEVEL defaults to INFO for
    # `worker`, `api` and `dev`, WARNING for the other commands.
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] | None = None
    # OTLP/HTTP collector (spans are POSTed to <endpoint>/v1/traces); no tracing if unset.
    otel_endpoint: str | None = Field(default=None, validation_alias=AliasChoices(
        "RECTRACK_OTEL_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"))
    otel_service_name: str = Field(default="rectrack", validation_alias=AliasChoices(
        "RECTRACK_OTEL_SERVICE_NAME", "OTEL_SERVICE_NAME"))
    # Prometheus at http://metrics_host:PORT/metrics: the worker's Temporal runtime metrics
    # on metrics_port, the API's request metrics on api_metrics_port; each off if unset.
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    api_metrics_port: int | None = Field(default=None, ge=1, le=65535)

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format_any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", "otel_endpoint", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object, info: ValidationInfo) -> object:
        """An empty variable is unset; a level in any case (`info`)."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        return text.upper() if info.field_name == "log_level" else text

    # Where the dashboard links a workflow: the Temporal UI and the namespace it shows.
    temporal_ui_url: str = "http://localhost:8233"
    temporal_namespace: str = Field(default="default", validation_alias=AliasChoices(
        "RECTRACK_TEMPORAL_NAMESPACE", "TEMPORAL_NAMESPACE"))
    # Payload encryption (app.encryption): `id:base64key,...` (the first encrypts), or a
    # file of such lines; default the file home/encryption.key when it exists.
    encryption_keys: str | None = Field(default=None, repr=False)
    encryption_key_file: Path | None = None
    # Per-recipient webhook signing secrets (activities.webhook_signing): `URL whsec_...`
    # lines; default home/webhook-secrets when it exists.
    webhook_secrets_file: Path | None = None
    # SMTP e-mail notices (activities.email_notices, docs/email.md): off while smtp_host is
    # unset. A contact with an e-mail address and no webhook then gets its notices by mail.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True  # upgrade with STARTTLS, verifying the server's certificate
    smtp_ca_file: Path | None = None  # PEM CA bundle for a private CA; default: system CAs
    smtp_user: str | None = None  # AUTH only when set
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_password_file: Path | None = None  # its first line; wins over smtp_password
    smtp_from: str = "rectrack@localhost"
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'rectrack.db').resolve()}"

    @property
    def temporal_db_file(self) -> Path:
        return self.home / "temporal.db"


def temporal_connect_config() -> dict[str, Any]:
    """Client.connect keyword arguments from the temporalio.envconfig profile: the TOML file
    (TEMPORAL_CONFIG_FILE, profile TEMPORAL_PROFILE) overridden by TEMPORAL_* variables
    (TEMPORAL_ADDRESS, TEMPORAL_TLS_*, TEMPORAL_API_KEY...; docs/operations.md); default
    plaintext localhost:7233. Reads files: call it off the event loop (app.temporal)."""
    from temporalio.envconfig import ClientConfigProfile

    profile = ClientConfigProfile.load()
    config: dict[str, Any] = dict(profile.to_client_connect_config())
    config.setdefault("target_host", "localhost:7233")
    return config
