"""Settings read from the environment: a wrong value stops the app with a message that says
which setting and what it takes; a right one is read as meant."""

from __future__ import annotations

import pytest

from server.settings import SettingsError, get_settings


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("WORKERS", "four", "WORKERS must be a whole number, not 'four'"),
        ("WORKERS", "65", "WORKERS must be between 1 and 64, not 65"),
        ("PORT", "0", "PORT must be between 1 and 65535, not 0"),
        ("SMALL_NUMBER", "-3", "SMALL_NUMBER must be between 1 and 1000, not -3"),
        ("DEBUG", "maybe", "DEBUG must be true or false, not 'maybe'"),
        ("SMTP_TLS", "tls", "SMTP_TLS must be starttls, ssl or none, not 'tls'"),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 32 characters long"),
        (
            "DATABASE_URL",
            "mysql://db.example.org/movement",
            "DATABASE_URL must start with sqlite:/// or postgresql:// (got 'mysql')",
        ),
    ],
)
def test_a_wrong_setting_is_refused_with_what_it_takes(settings, name, value, message):
    settings(**{name: value})
    with pytest.raises(SettingsError) as refused:
        get_settings()
    assert str(refused.value) == message


@pytest.mark.parametrize("value, meant", [("yes", True), ("ON", True), ("0", False), ("", False)])
def test_debug_is_read_in_the_usual_words_and_is_off_unless_set(settings, value, meant):
    settings(DEBUG=value)
    assert get_settings().debug is meant


def test_a_long_enough_secret_key_from_the_environment_is_used_as_it_is(settings):
    key = "k" * 32
    settings(SECRET_KEY=f"  {key} ")
    assert get_settings().secret_key == key


def test_the_smtp_port_follows_the_kind_of_encryption_unless_given(settings):
    ports = {}
    for tls in ("starttls", "ssl", "none"):
        settings(SMTP_TLS=tls, SMTP_PORT=None)
        ports[tls] = get_settings().smtp_port
    assert ports == {"starttls": 587, "ssl": 465, "none": 25}
    settings(SMTP_TLS="SSL", SMTP_PORT="2465")
    assert (get_settings().smtp_tls, get_settings().smtp_port) == ("ssl", 2465)
