"""The optional Flower service in compose.yaml: behind a profile, on loopback, same broker as the workers."""
from __future__ import annotations

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "compose.yaml"


def test_flower_is_optional_local_and_watches_the_service_broker():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    flower = services["flower"]
    assert flower["profiles"] == ["monitoring"], "off unless the profile is asked for"
    assert all(port.startswith("127.0.0.1:") for port in flower["ports"]), "never published beyond loopback"
    broker = services["worker"]["environment"]["WHOSAID_REDIS_URL"]
    assert f"--broker={broker}" in flower["command"]
    assert flower["depends_on"]["redis"]["condition"] == "service_healthy"
