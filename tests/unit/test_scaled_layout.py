"""The scaled stack's generated configuration (bot/scaled_layout.py, bot/haproxy.py, bot/supervision.py) and the
production files that describe the same shape (deploy/): issue "Scale out", item 3."""

from __future__ import annotations

import html
import shutil
import subprocess
from configparser import ConfigParser
from pathlib import Path

import pytest
import yaml

from bot import haproxy, scaled_layout, services, supervision
from bot.app import HEALTH_CHECK_SECONDS
from bot.scaled_layout import Layout
from core.config import CONTENT_DIR, ROOT
from tests.conftest import TEXTS

LAYOUT = Layout(front=8080, apps=(9001, 9002), rasa=(9011, 9012), actions=(9021, 9022))
HAPROXY = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
DEPLOY = ROOT / "deploy"


def supervisord_config(tmp_path: Path) -> ConfigParser:
    commands, environments = scaled_layout.programs(services.procfile(), LAYOUT, "/usr/sbin/haproxy",
                                                    tmp_path / "haproxy.cfg")
    path = supervision.write_config(commands, ROOT, tmp_path, environments)
    assert path.stat().st_mode & 0o777 == 0o600
    parser = ConfigParser(interpolation=None)
    parser.read(path)
    return parser


def test_two_of_each_process_and_haproxy_under_supervisord(tmp_path: Path) -> None:
    parser = supervisord_config(tmp_path)
    programs = {section.removeprefix("program:") for section in parser.sections() if section.startswith("program:")}
    assert programs == {"rasa-1", "rasa-2", "actions-1", "actions-2", "app-1", "app-2", "haproxy"}
    for name in programs:
        assert parser[f"program:{name}"]["autorestart"] == "true"
    assert parser["program:haproxy"]["command"] == (
        f"/bin/sh -c 'exec /usr/sbin/haproxy -W -db -f {tmp_path / 'haproxy.cfg'}'")


def test_each_rasa_has_its_own_action_server_and_each_process_its_port(tmp_path: Path) -> None:
    parser = supervisord_config(tmp_path)
    assert parser["program:rasa-1"]["environment"] == (
        'HAVN_RASA_PORT="9011",HAVN_ACTION_ENDPOINT="http://127.0.0.1:9021/webhook"')
    assert parser["program:rasa-2"]["environment"] == (
        'HAVN_RASA_PORT="9012",HAVN_ACTION_ENDPOINT="http://127.0.0.1:9022/webhook"')
    assert parser["program:actions-2"]["environment"] == 'HAVN_ACTION_SERVER_PORT="9022"'
    assert parser["program:app-1"]["environment"] == 'HAVN_HOST="127.0.0.1",HAVN_PORT="9001"'
    assert "TOKEN" not in (tmp_path / "supervisord.conf").read_text()  # secrets: by environment only


def test_every_process_shares_the_databases_redis_and_every_rasa() -> None:
    shared = scaled_layout.variables(LAYOUT, "postgresql+asyncpg://havn@/havn?host=/s", "postgresql://havn@/rasa",
                                     "redis://:pw@127.0.0.1:7000/0", {})
    assert shared["HAVN_RASA_URLS"] == "http://127.0.0.1:9011,http://127.0.0.1:9012"
    assert shared["HAVN_ACTION_SERVER_URLS"] == "http://127.0.0.1:9021,http://127.0.0.1:9022"
    assert shared["HAVN_RASA_LOCK_STORE_URL"] == "redis://:pw@127.0.0.1:7000/1"  # Rasa's locks in a db of their own
    assert shared["HAVN_TRUSTED_PROXIES"] == "127.0.0.1/32"
    configured = scaled_layout.variables(LAYOUT, "a", "b", "redis://h", {"HAVN_TRUSTED_PROXIES": "10.0.0.0/8",
                                                                        "HAVN_RASA_LOCK_STORE_URL": "redis://l/5"})
    assert configured["HAVN_RASA_LOCK_STORE_URL"] == "redis://l/5" and "HAVN_TRUSTED_PROXIES" not in configured


def test_the_free_ports_are_all_different() -> None:
    layout = Layout.on_free_ports(8080)
    ports = {*layout.apps, *layout.rasa, *layout.actions}
    assert len(ports) == 6 and 8080 not in ports


def test_a_quote_in_a_program_variable_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="quote"):
        supervision.config({"app": "true"}, ROOT, tmp_path, {"app": {"X": 'a"b'}})


def test_haproxy_checks_healthz_keeps_websockets_open_and_logs_no_request() -> None:
    text = scaled_layout.haproxy_config(LAYOUT, "127.0.0.1", TEXTS)
    assert "bind 127.0.0.1:8080" in text
    assert "server app1 127.0.0.1:9001" in text and "server app2 127.0.0.1:9002" in text
    assert "http-check send meth GET uri /healthz" in text and "http-check expect status 200" in text
    assert "timeout tunnel 1h" in text
    assert "balance leastconn" in text and "option forwardfor" in text
    assert "log" not in text.replace("bot/haproxy.py", "")


@pytest.mark.skipif(HAPROXY is None, reason="HAProxy is not installed (make test and make run-scaled install it)")
@pytest.mark.parametrize("path", ["generated", "deploy"])
def test_haproxy_accepts_the_configuration(tmp_path: Path, path: str) -> None:
    config = tmp_path / "haproxy.cfg"
    if path == "generated":
        config.write_text(scaled_layout.haproxy_config(LAYOUT, "127.0.0.1", TEXTS))
    else:
        config = DEPLOY / "haproxy.cfg"
    check = subprocess.run([str(HAPROXY), "-c", "-f", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_busy_instance_stays_in_and_with_none_up_haproxy_names_112_and_the_hotline() -> None:
    """200 people at once made /healthz slower than HAProxy's 2 s wait; both instances went out in turn and
    HAProxy answered everyone with its own bare 503. Now it waits longer, takes an instance out after 3 misses,
    and its own 503 names 112 and the centre's hotline (the number as content/facts.yml gives it), in every
    language the chat speaks: it cannot know the person's."""
    text = scaled_layout.haproxy_config(LAYOUT, "127.0.0.1", TEXTS)
    assert f"timeout check {haproxy.CHECK_TIMEOUT}" in text and "fall 3" in text
    assert float(haproxy.CHECK_TIMEOUT.removesuffix("s")) >= 2 * HEALTH_CHECK_SECONDS  # /healthz's own bound
    hotline = yaml.safe_load((CONTENT_DIR / "facts.yml").read_text(encoding="utf-8"))["values"]["hotline"]
    [page] = [line for line in text.splitlines() if line.strip().startswith("http-error status 503")]
    assert "112" in page and hotline in page
    for code in TEXTS.languages:
        sentence = html.escape(TEXTS.text("web.error", code))
        assert f'<p lang="{code}" dir="{TEXTS.direction(code)}">{sentence}</p>' in page and "112" in sentence
    assert "'" not in page.split("string '", 1)[1].removesuffix("'")  # HAProxy's single quotes hold the whole page


def test_deploy_haproxy_cfg_is_what_bot_haproxy_writes_for_compose() -> None:
    """One source for both: a change to bot/haproxy.py must be written to deploy/haproxy.cfg too."""
    expected = haproxy.config("*:8080", [("app1", "app1:8080"), ("app2", "app2:8080")], TEXTS,
                              resolver="127.0.0.11:53")
    assert (DEPLOY / "haproxy.cfg").read_text() == expected


def test_compose_has_the_same_shape_with_secrets_from_the_environment_and_health_checks() -> None:
    text = (DEPLOY / "compose.yml").read_text()
    compose = yaml.safe_load(text)
    services_ = compose["services"]
    assert {"postgres", "redis", "rasa1", "rasa2", "actions1", "actions2", "app1", "app2", "haproxy"} <= set(services_)
    for name in ("postgres", "redis", "rasa1", "rasa2", "actions1", "actions2", "app1", "app2"):
        assert "test" in services_[name]["healthcheck"], name
    assert services_["rasa1"]["environment"]["HAVN_ACTION_ENDPOINT"] == "http://actions1:5055/webhook"
    assert services_["rasa2"]["environment"]["HAVN_ACTION_ENDPOINT"] == "http://actions2:5055/webhook"
    assert "deploy/endpoints-scaled.yml" in services_["rasa1"]["command"]
    app = services_["app1"]["environment"]
    assert app["HAVN_RASA_URLS"] == "http://rasa1:5005,http://rasa2:5005"
    assert app["HAVN_TRUSTED_PROXIES"] == f"{services_['haproxy']['networks']['edge']['ipv4_address']}/32"
    assert services_["haproxy"]["ports"] == ["${HAVN_PORT:-8080}:8080"]  # the only published port
    assert [name for name, service in services_.items() if "ports" in service] == ["haproxy"]
    # Every secret is a variable compose must be given: none is written in the file.
    for name in ("HAVN_RASA_TOKEN", "HAVN_ACTION_SERVER_TOKEN", "HAVN_ENCRYPTION_KEYS", "HAVN_HASH_KEY",
                 "HAVN_POSTGRES_PASSWORD", "HAVN_REDIS_PASSWORD", "HAVN_TELEGRAM_WEBHOOK_SECRET"):
        assert f"${{{name}:?set {name}}}" in text, name


def test_haproxys_own_page_carries_the_configured_page_title() -> None:
    """HAVN_PAGE_TITLE is the name a phone's tabs and history show for the chat; HAProxy's page when no instance
    is up must not show another (the neutral one in the default language) in its place."""
    configured = "Bus times 'n' more"
    text = scaled_layout.haproxy_config(LAYOUT, "127.0.0.1", TEXTS, page_title=configured)
    [page] = [line for line in text.splitlines() if line.strip().startswith("http-error status 503")]
    assert f"<title>{html.escape(configured)}</title>" in page
    assert TEXTS.text("web.page_title", TEXTS.default_language) not in page
    assert "'" not in page.split("string '", 1)[1].removesuffix("'")
