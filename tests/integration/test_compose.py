"""Invariants of the production stack (docker-compose.yml + Dockerfile), checked statically.

Docker is not available where the tests run, so these tests parse the files and check
that the services wire together: dependencies exist, the worker reaches Temporal and
PostgreSQL by service name, the search attributes are registered, images are pinned.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

SEARCH_ATTRIBUTES = {
    "RectrackMemoId": "Keyword",
    "RectrackComponent": "Keyword",
    "RectrackStatus": "Keyword",
    "RectrackResponseDueOn": "Datetime",
    "RectrackOverdue": "Bool",
}
# ${VAR}, ${VAR:-default}, ${VAR:?message}: replaced by a placeholder; `$$` is a literal $.
INTERPOLATION = re.compile(r"\$\{[^}]*\}")


def interpolate(value: str) -> str:
    return INTERPOLATION.sub("secret", value.replace("$$", "$"))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = compose["services"]
    return result


def env(service: dict[str, Any]) -> dict[str, str]:
    raw = service.get("environment", {})
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {key: interpolate(str(value)) for key, value in raw.items()}


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    """Dependency name -> condition (short list form means service_started)."""
    raw = service.get("depends_on", {})
    if isinstance(raw, list):
        return {name: "service_started" for name in raw}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in raw.items()}


def command_text(service: dict[str, Any]) -> str:
    parts: list[Any] = []
    for key in ("entrypoint", "command"):
        value = service.get(key, [])
        parts.extend([value] if isinstance(value, str) else value)
    return interpolate("\n".join(str(p) for p in parts))


def image_of(services: dict[str, dict[str, Any]], prefix: str) -> list[str]:
    return [name for name, s in services.items() if str(s.get("image", "")).startswith(prefix)]


def test_the_stack_has_the_five_services(services: dict[str, dict[str, Any]]) -> None:
    assert {"postgresql", "temporal", "temporal-ui", "temporal-admin", "worker"} <= set(services)


def test_every_depends_on_target_is_a_service(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for target in depends_on(service):
            assert target in services, f"{name} depends on unknown service {target}"
            assert target != name


def test_no_image_uses_the_latest_tag(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        image = service.get("image")
        if image is None:
            assert "build" in service, f"{name} has neither image nor build"
            continue
        repository, _, tag = str(image).rpartition(":")
        assert repository and "/" not in tag, f"{name}: image {image} has no tag"
        assert tag != "latest", f"{name}: image {image} is not pinned"


def test_postgresql_is_version_16_with_a_volume_and_a_healthcheck(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    pg = services["postgresql"]
    assert pg["image"].split(":")[0] == "postgres"
    assert pg["image"].split(":")[1].startswith("16")
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    volume_names = {v.split(":")[0] for v in pg["volumes"] if not v.startswith(".")}
    assert volume_names and volume_names <= set(compose.get("volumes") or {})


def test_bind_mounted_files_exist_in_the_repo(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"


def test_temporal_persists_to_the_postgresql_service_once_it_is_healthy(
    services: dict[str, dict[str, Any]],
) -> None:
    temporal = services["temporal"]
    assert temporal["image"].startswith("temporalio/auto-setup:")
    variables = env(temporal)
    assert variables["DB"] in {"postgres12", "postgresql"}
    assert variables["POSTGRES_SEEDS"] == "postgresql"
    assert variables.get("DB_PORT", "5432") == "5432"
    assert depends_on(temporal)["postgresql"] == "service_healthy"


def test_the_dynamic_config_file_if_set_is_mounted(services: dict[str, dict[str, Any]]) -> None:
    temporal = services["temporal"]
    path = env(temporal).get("DYNAMIC_CONFIG_FILE_PATH")
    if path is None:
        return
    file_name = Path(path).name
    mounts = [str(v).split(":") for v in temporal.get("volumes", [])]
    sources = [ROOT / src for src, dst, *_ in mounts if dst.endswith(str(Path(path).parent))]
    assert any((source / file_name).is_file() for source in sources), path


def test_the_worker_reaches_temporal_by_service_name_on_the_frontend_port(
    services: dict[str, dict[str, Any]],
) -> None:
    host, _, port = env(services["worker"])["TEMPORAL_ADDRESS"].partition(":")
    assert host in services
    assert services[host]["image"].startswith("temporalio/auto-setup:")
    frontend_port = env(services[host]).get("FRONTEND_GRPC_PORT", "7233")
    assert port == frontend_port == "7233"


def test_the_worker_database_url_points_at_the_postgres_service(
    services: dict[str, dict[str, Any]],
) -> None:
    url = urlsplit(env(services["worker"])["RECTRACK_DATABASE_URL"])
    assert url.scheme == "postgresql+psycopg"
    assert url.username == "rectrack"
    assert url.hostname in services
    assert services[url.hostname]["image"].startswith("postgres:")
    assert url.port == 5432
    assert url.path == "/rectrack"


def test_the_worker_waits_for_the_database_and_the_search_attributes(
    services: dict[str, dict[str, Any]],
) -> None:
    deps = depends_on(services["worker"])
    assert deps["postgresql"] == "service_healthy"
    init = image_of(services, "temporalio/admin-tools:")
    assert len(init) == 1
    assert deps[init[0]] == "service_completed_successfully"


def test_the_worker_is_built_from_the_dockerfile_and_runs_rectrack_worker(
    services: dict[str, dict[str, Any]],
) -> None:
    worker = services["worker"]
    build = worker["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context / dockerfile).resolve() == DOCKERFILE
    command = worker.get("command")
    if command is not None:
        assert (shlex.split(command) if isinstance(command, str) else command) == [
            "rectrack",
            "worker",
        ]


def test_the_init_service_registers_all_five_search_attributes(
    services: dict[str, dict[str, Any]],
) -> None:
    (name,) = image_of(services, "temporalio/admin-tools:")
    script = command_text(services[name])
    assert "temporal operator search-attribute create" in script
    for attribute, kind in SEARCH_ATTRIBUTES.items():
        assert re.search(rf"\b{attribute}\s*[=: ]\s*{kind}\b", script), (attribute, kind)
    assert env(services[name])["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert services[name].get("restart", "no") == "no"


def test_the_ui_talks_to_temporal_and_listens_on_8080(services: dict[str, dict[str, Any]]) -> None:
    ui = services["temporal-ui"]
    assert ui["image"].startswith("temporalio/ui:")
    assert env(ui)["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert any(str(p).endswith(":8080") for p in ui["ports"])


# -- Dockerfile -------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_dockerfile_builds_on_pinned_python_3_11_slim() -> None:
    froms = [arg for op, arg in dockerfile_instructions() if op == "FROM"]
    assert froms and froms[0].split()[0] == "python:3.11-slim"


def test_the_dockerfile_installs_the_project_and_runs_as_a_non_root_user() -> None:
    instructions = dockerfile_instructions()
    assert any(op == "RUN" and re.search(r"pip install \.(\s|$)", arg) for op, arg in instructions)
    users = [arg for op, arg in instructions if op == "USER"]
    assert users and users[-1] not in {"root", "0"}


def test_the_dockerfile_cmd_runs_rectrack_worker() -> None:
    cmds = [arg for op, arg in dockerfile_instructions() if op == "CMD"]
    assert cmds
    cmd = cmds[-1]
    argv = json.loads(cmd) if cmd.startswith("[") else shlex.split(cmd)
    assert argv == ["rectrack", "worker"]


def test_the_api_serves_the_same_store_and_temporal_as_the_worker(
    services: dict[str, dict[str, Any]],
) -> None:
    api, worker = services["api"], services["worker"]
    assert api["image"] == worker["image"]  # built once, by the worker service
    assert api["command"][:2] == ["rectrack", "api"]
    assert api["command"][api["command"].index("--port") + 1] == "8000"
    assert "8000:8000" in api["ports"]
    for name in ("TEMPORAL_ADDRESS", "RECTRACK_DATABASE_URL"):
        assert env(api)[name] == env(worker)[name]
    assert depends_on(api)["postgresql"] == "service_healthy"
