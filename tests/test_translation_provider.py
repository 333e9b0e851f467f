"""Issue 22 item 10 (translation): no provider that sends text off the machine is chosen silently,
every surface says which service receives the text, and an unreachable provider is known at once,
before a run sends anything."""
import socket
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import cli, config
from core.ingest import batch
from core.store import database, translation_memory
from core.translate import providers, run
from tests.fake_libretranslate import FakeLibreTranslate

REPO = Path(__file__).resolve().parent.parent
NO_FILE = REPO / "no-such-settings.toml"
APP = str(REPO / "app.py")


def settings(**values) -> config.TranslationSettings:
    return config.translation_settings(environ={}, settings_file=NO_FILE, **values)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_no_provider_is_chosen_until_one_is_configured():
    default = settings()
    assert default.provider == config.NO_PROVIDER and not default.configured
    assert "no provider configured" in default.describe()
    # A server address alone chooses a self-hosted LibreTranslate.
    assert settings(url="http://127.0.0.1:5000/").provider == "libre"
    assert config.translation_settings(environ={"GEOWIRE_TRANSLATE_URL": "http://127.0.0.1:5000/"},
                                       settings_file=NO_FILE).provider == "libre"
    assert settings(provider="google").provider == "google"  # named, it is used


@pytest.mark.parametrize("values, where, words", [
    ({}, "none", ["No translation provider is configured", "no article text leaves this machine"]),
    ({"provider": "google"}, providers.ELSEWHERE, ["Google Translate", "translate.google.com", "Google's servers",
                                                   "leaves this machine"]),
    ({"provider": "deepl", "key": "abc:fx"}, providers.ELSEWHERE, ["DeepL", "api-free.deepl.com"]),
    ({"url": "http://127.0.0.1:5000/"}, providers.THIS_MACHINE, ["LibreTranslate", "on this machine", "does not leave"]),
    ({"url": "http://localhost:5000/"}, providers.THIS_MACHINE, ["on this machine"]),
    ({"url": "http://192.168.1.20:5000/"}, providers.LOCAL_NETWORK, ["local network", "leaves this machine"]),
    ({"provider": "libre"}, providers.ELSEWHERE, ["libretranslate.com", "leaves this machine"]),
])
def test_the_destination_says_who_receives_the_text(values, where, words):
    found = providers.destination(settings(**values))
    assert found.where == where
    assert found.leaves_machine == (where in (providers.LOCAL_NETWORK, providers.ELSEWHERE))
    for word in words:
        assert word in found.describe()


def test_the_addresses_are_deep_translators():
    from deep_translator import constants

    base = constants.BASE_URLS
    assert providers._ENDPOINTS["google"] == base["GOOGLE_TRANSLATE"]
    assert providers._ENDPOINTS["mymemory"] == base["MYMEMORY"]
    assert providers.PUBLIC_LIBRE_URL == base["LIBRE"]
    assert base["DEEPL"].startswith(providers._ENDPOINTS["deepl"])
    assert base["DEEPL_FREE"].startswith(providers._ENDPOINTS["deepl_free"])
    assert base["MICROSOFT_TRANSLATE"].startswith(providers._ENDPOINTS["microsoft"])


def test_reachability_is_known_at_once():
    refused = settings(url=f"http://127.0.0.1:{_closed_port()}/")
    started = time.monotonic()
    found = providers.check_reachable(refused)
    assert time.monotonic() - started < 1.0
    assert not found.reachable and "unreachable" in found.message and "connection refused" in found.message
    with FakeLibreTranslate() as server:
        assert providers.check_reachable(settings(url=server.url)).reachable
    # A server that takes the connection but never answers is reached: the run's own deadline applies.
    with FakeLibreTranslate("silent") as server:
        assert providers.check_reachable(settings(url=server.url)).reachable
    assert not providers.check_reachable(settings()).reachable


@pytest.fixture
def engine(tmp_path):
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    batch.ingest(engine, [config.SAMPLES_DIR / "payam-e-shargh"], progress=False)
    return engine


def test_a_run_against_an_unreachable_provider_ends_at_once_and_sends_nothing(engine):
    # The defaults: 3 retries with back-off, 3 articles in a row before giving up (12 s and more
    # before the check).
    offline = settings(url=f"http://127.0.0.1:{_closed_port()}/")
    started = time.monotonic()
    summary = run.run(engine, offline)
    assert time.monotonic() - started < 2.5
    assert summary.unreachable and "unreachable" in summary.unreachable
    assert summary.failed == 0 and summary.requests == 0 and summary.not_attempted > 0
    assert "not started" in summary.describe()
    assert translation_memory.load_translations(engine, "en").empty  # nothing marked failed: untried


def test_a_run_without_a_provider_is_refused(engine):
    with pytest.raises(config.ConfigError, match="no translation provider is configured"):
        run.run(engine, settings())


def test_the_command_line_says_no_provider_is_configured(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GEOWIRE_CONFIG", str(NO_FILE))
    for name in ("GEOWIRE_TRANSLATOR", "GEOWIRE_TRANSLATE_URL", "GEOWIRE_TRANSLATE_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["--db", str(tmp_path / "store.db"), "translate"]) == 2
    assert "no translation provider is configured" in capsys.readouterr().err
    # Named, the provider is announced with where the text goes, and offline it stops at once.
    assert cli.main(["--db", str(tmp_path / "store.db"), "translate", "--url",
                     f"http://127.0.0.1:{_closed_port()}/"]) == 0  # an empty store: nothing to send
    assert "on this machine" in capsys.readouterr().err


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOWIRE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("GEOWIRE_CONFIG", str(NO_FILE))
    monkeypatch.setenv("GEOWIRE_SAMPLE_CORPUS", "0")
    for name in ("GEOWIRE_TRANSLATOR", "GEOWIRE_TRANSLATE_URL", "GEOWIRE_TRANSLATE_KEY"):
        monkeypatch.delenv(name, raising=False)
    batch.ingest(database.connect(f"sqlite:///{tmp_path / 'app.db'}"), [config.SAMPLES_DIR / "payam-e-shargh"],
                 progress=False)


def _translation_page(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page("pages/translation.py").run()
    assert not at.exception
    return at


def test_the_page_says_which_service_receives_the_text(app):
    at = _translation_page()
    assert any("No translation provider is configured" in info.value for info in at.info)
    button = at.button(key="start_translation")
    assert button.disabled and "choose a provider" in button.label
    at = _translation_page(translation_provider="google")
    assert any("Google Translate" in w.value and "leaves this machine" in w.value for w in at.warning)
    assert "with Google Translate" in at.button(key="start_translation").label
    at = _translation_page(translation_provider="libre", translation_url="http://127.0.0.1:5000/")
    assert any("on this machine" in info.value for info in at.info)
