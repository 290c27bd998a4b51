"""The one settings class. Environment prefix RECTRACK_ (e.g. RECTRACK_HOME).

The Temporal connection itself is configured through temporalio.envconfig
(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE), see `temporal_connect_config`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RECTRACK_", extra="ignore")

    home: Path = Path(".rectrack")
    database_url: str | None = None  # any SQLAlchemy URL; default: SQLite file under home
    task_queue: str = "rectrack"
    notice_hour: int = Field(default=9, ge=0, le=23)  # office-time hour notices go out
    webhook_timeout_seconds: float = 10.0
    # How long a worker's SQLite write waits on a lock before its activity fails and retries.
    sqlite_busy_timeout_seconds: float = Field(default=15.0, gt=0)
    api_port: int = Field(default=8000, ge=0, le=65535)  # `rectrack dev` serves the API here
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

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'rectrack.db').resolve()}"

    @property
    def temporal_db_file(self) -> Path:
        return self.home / "temporal.db"


def temporal_connect_config() -> dict[str, Any]:
    """Client.connect keyword arguments from TEMPORAL_* variables (default localhost:7233)."""
    from temporalio.envconfig import ClientConfigProfile

    profile = ClientConfigProfile.load()
    config: dict[str, Any] = dict(profile.to_client_connect_config())
    config.setdefault("target_host", "localhost:7233")
    return config
