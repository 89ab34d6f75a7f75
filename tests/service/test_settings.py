"""WHOSAID_* settings: parsing, defaults, refusals with the variable's name."""
from __future__ import annotations

import pytest

from workers.settings import Settings, SettingsError


def test_defaults():
    settings = Settings.from_env({})
    assert settings.redis_url is None and settings.effective_broker_url is None
    assert settings.max_article_bytes == 2 * 1024 * 1024
    assert settings.wait_max == 30 and settings.hard_time_limit > settings.soft_time_limit


def test_values_from_the_environment():
    settings = Settings.from_env({
        "WHOSAID_REDIS_URL": "redis://cache:6379/2", "WHOSAID_RESULT_TTL": "3600", "WHOSAID_REDIS_TIMEOUT": "0.5",
        "WHOSAID_SOFT_TIME_LIMIT": "10", "WHOSAID_HARD_TIME_LIMIT": "20", "UNRELATED": "x",
        "WHOSAID_SPACY_MODEL": "en_core_web_sm",
    })
    assert settings.redis_url == settings.effective_broker_url == "redis://cache:6379/2"
    assert (settings.result_ttl, settings.redis_timeout) == (3600, 0.5)
    assert (settings.soft_time_limit, settings.hard_time_limit) == (10, 20)


def test_broker_can_differ_from_the_store():
    settings = Settings.from_env({"WHOSAID_REDIS_URL": "redis://a/0", "WHOSAID_BROKER_URL": "redis://b/0"})
    assert settings.effective_broker_url == "redis://b/0"


def test_flask_style_values_are_accepted():
    assert Settings.from_mapping({"RESULT_TTL": 60, "REDIS_TIMEOUT": 2, "SECRET_KEY": object()}).result_ttl == 60


@pytest.mark.parametrize("environment, message", [
    ({"WHOSAID_RESULT_TTL": "a week"}, "WHOSAID_RESULT_TTL must be a number"),
    ({"WHOSAID_MAX_ARTICLE_BYTES": "1.5"}, "WHOSAID_MAX_ARTICLE_BYTES must be a whole number"),
    ({"WHOSAID_WAIT_MAX": "0"}, "WHOSAID_WAIT_MAX must be positive"),
    ({"WHOSAID_MAX_RETRIES": "-1"}, "WHOSAID_MAX_RETRIES"),
    ({"WHOSAID_SOFT_TIME_LIMIT": "60", "WHOSAID_HARD_TIME_LIMIT": "60"}, "must exceed"),
    ({"WHOSAID_VISIBILITY_TIMEOUT": "100"}, "WHOSAID_VISIBILITY_TIMEOUT"),
    ({"WHOSAID_RECOVER_AFTER": "0"}, "WHOSAID_RECOVER_AFTER must be positive"),
    ({"WHOSAID_RECOVERY_INTERVAL": "0"}, "WHOSAID_RECOVERY_INTERVAL must be positive"),
    ({"WHOSAID_RECOVER_AFTER": "15"}, r"WHOSAID_RECOVER_AFTER \(15\) must exceed three WHOSAID_HEARTBEAT_INTERVAL"),
])
def test_bad_values_are_refused_by_name(environment, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environment)


def test_recovery_age_follows_the_heartbeat():
    settings = Settings.from_env({"WHOSAID_HEARTBEAT_INTERVAL": "1", "WHOSAID_RECOVER_AFTER": "4"})
    assert (settings.heartbeat_ttl, settings.recover_after) == (3, 4)
    assert (Settings().recover_after, Settings().heartbeat_ttl) == (60, 15)
