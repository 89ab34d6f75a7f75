"""compose.yaml's structure (Docker is not available here; the same topology runs as real processes in
test_end_to_end.py): Redis private and durable, the API under gunicorn, workers scalable, one set of variables."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from workers.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())


def test_four_services(compose):
    default = {name for name, service in compose["services"].items() if "profiles" not in service}
    assert default == {"redis", "api", "worker", "recovery"}


def test_redis_is_durable_healthy_and_not_published(compose):
    redis = compose["services"]["redis"]
    command = " ".join(redis["command"])
    assert "--appendonly yes --appendfsync always" in command, "an accepted job survives a crash"
    assert "redis-cli" in redis["healthcheck"]["test"] and "ping" in redis["healthcheck"]["test"]
    assert "ports" not in redis, "Redis must not be reachable from the host"
    assert any(volume.endswith(":/data") for volume in redis["volumes"])


def test_api_runs_gunicorn_on_the_app_factory_after_redis_is_healthy(compose):
    api = compose["services"]["api"]
    command = api["command"]
    assert command[0] == "gunicorn" and command[-1] == "service:create_app()"
    assert "gthread" in command, "threads keep ?wait requests from blocking a whole process"
    assert api["depends_on"]["redis"]["condition"] == "service_healthy"
    assert api["ports"] and "/healthz" in " ".join(api["healthcheck"]["test"])


def test_workers_scale(compose):
    worker = compose["services"]["worker"]
    assert worker["command"][:4] == ["celery", "-A", "workers", "worker"]
    assert worker["deploy"]["replicas"] >= 2
    for fixed in ("ports", "container_name", "hostname"):
        assert fixed not in worker, f"{fixed} would stop `--scale worker=N`"
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    assert worker["image"] == compose["services"]["api"]["image"], "API and workers run the same code"


def test_the_recovery_sweep_runs_once_on_the_same_image(compose):
    recovery = compose["services"]["recovery"]
    assert recovery["command"] == ["whosaid", "recover"]
    assert recovery["image"] == compose["services"]["api"]["image"]
    assert "deploy" not in recovery, "one sweeper is enough (more would take turns)"
    assert recovery["depends_on"]["redis"]["condition"] == "service_healthy"
    assert recovery["restart"] == "unless-stopped"


def test_every_service_of_ours_is_configured_by_the_same_known_variables(compose):
    known = {f"WHOSAID_{field.name.upper()}" for field in fields(Settings)}
    api, worker = compose["services"]["api"], compose["services"]["worker"]
    assert api["environment"] == worker["environment"] == compose["services"]["recovery"]["environment"]
    assert set(api["environment"]) <= known
    assert api["environment"]["WHOSAID_REDIS_URL"] == "redis://redis:6379/0"
    for name, value in api["environment"].items():
        if name != "WHOSAID_REDIS_URL":
            assert re.fullmatch(rf"\$\{{{name}:-[^}}]+\}}", str(value)), f"{name} overridable from the shell"


def test_the_image_installs_the_project(compose):
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert compose["services"]["api"]["build"] == "."
    assert "pip install" in dockerfile
    for package in ("attribution", "service", "workers", "whosaid"):
        assert f"COPY {package} " in dockerfile
