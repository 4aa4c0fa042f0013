"""Settings (flags > environment > TOML), the frozen Profile and how a request chooses it."""

from __future__ import annotations

import dataclasses

import pytest

from eldermode.middleware.modes import choose_profile
from eldermode.middleware.settings import Settings, SettingsError, load_settings
from eldermode.transforms import Profile


def test_precedence_flags_over_environment_over_file(tmp_path):
    config = tmp_path / "eldermode.toml"
    config.write_text('[eldermode]\nupstream = "https://file.example"\nworkers = 3\nmax_body = 4096\n')
    env = {"ELDERMODE_UPSTREAM": "https://env.example", "ELDERMODE_ENTRY_LINK": "false"}
    settings = load_settings(config, env=env, upstream="https://flag.example")
    assert settings.upstream == "https://flag.example"
    assert settings.workers == 3
    assert settings.max_body == 4096
    assert settings.entry_link is False


def test_none_flags_do_not_override(tmp_path):
    settings = load_settings(None, env={"ELDERMODE_WORKERS": "2"}, workers=None)
    assert settings.workers == 2


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"upstream": "ftp://x"}, "upstream"),
        ({"default_mode": "dark"}, "default_mode"),
        ({"prefix": "nope"}, "prefix"),
        ({"listen": "8000"}, "listen"),
    ],
)
def test_bad_settings_say_which(kwargs, words):
    with pytest.raises(SettingsError, match=words):
        Settings(**kwargs)


def test_unknown_setting_in_file_is_an_error(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("upstreem = 'https://x'\n")
    with pytest.raises(SettingsError, match="upstreem"):
        load_settings(config, env={})


def test_bad_number_in_environment_is_an_error():
    with pytest.raises(SettingsError, match="workers"):
        load_settings(None, env={"ELDERMODE_WORKERS": "two"})


def test_settings_and_profile_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().workers = 4  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Profile().mode = "elder"  # type: ignore[misc]


def test_profile_cache_key_is_stable_and_distinct():
    keys = {Profile(mode=m, text=t).cache_key() for m in ("off", "elder", "access") for t in ("standard", "large", "xlarge")}
    assert len(keys) == 9
    assert Profile(mode="elder").cache_key() == Profile(mode="elder").cache_key()


def test_profile_cookie_round_trip_and_garbage():
    profile = Profile(mode="elder", text="xlarge", contrast="yellow", guide="on")
    assert Profile.from_cookie(profile.to_cookie()) == profile
    assert Profile.from_cookie("<script>.text-huge.contrast-") == Profile()


def scope(query: bytes = b"", cookie: str | None = None) -> dict:
    headers = [(b"host", b"gov.example")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return {"type": "http", "path": "/a", "query_string": query, "headers": headers, "scheme": "http"}


def test_query_sets_mode_cookie_and_is_removed_from_the_app_query():
    choice = choose_profile(scope(b"id=7&eldermode=elder&eldermode-text=large&q=%E5%B9%B4"), Settings())
    assert choice.profile == Profile(mode="elder", text="large")
    assert choice.query_string == b"id=7&q=%E5%B9%B4"
    assert choice.set_cookie.startswith("eldermode=elder.text-large;")
    assert "SameSite=Lax" in choice.set_cookie and "Path=/" in choice.set_cookie


def test_cookie_keeps_the_choice_without_setting_it_again():
    choice = choose_profile(scope(b"", "a=b; eldermode=access"), Settings())
    assert choice.profile.mode == "access"
    assert choice.set_cookie is None


def test_invalid_values_are_ignored_and_never_reflected():
    choice = choose_profile(scope(b"eldermode=%3Cscript%3E&eldermode-text=%22huge"), Settings())
    assert choice.profile == Profile()
    assert "script" not in (choice.set_cookie or "")
    assert "huge" not in (choice.set_cookie or "")


def test_default_mode_applies_to_new_visitors():
    assert choose_profile(scope(), Settings(default_mode="elder")).profile.mode == "elder"
