"""Alerts as a stage of the pipeline: rules evaluated on what each ingest stored, fired once and never
again on a re-run, caught up after a run stopped before alerting, delivered to a webhook on
127.0.0.1 once (and again after a failure, without loss or duplicate), and by email to a local
SMTP server."""
import datetime as dt
import email
import email.policy
import http.server
import json
import socket
import threading

import pytest

from core import config, pipeline
from core.alerts import delivery, stage
from core.store import alerts as store_alerts
from core.store import database
from tests import inputs, sample_corpus

NOW = dt.datetime.now(dt.timezone.utc)


def _now():
    return dt.datetime.now(dt.timezone.utc)


@pytest.fixture(autouse=True)
def _dictionary_read_once(monkeypatch):
    monkeypatch.setattr(pipeline, "load_dictionary", sample_corpus.dictionary)


class Receiver:
    """A webhook receiver on 127.0.0.1: records every body; answers ``codes`` in turn, then 200."""

    def __init__(self, codes=()):
        self.bodies, self.headers, self.codes = [], [], list(codes)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                code = receiver.codes.pop(0) if receiver.codes else 200
                if code == 200:
                    receiver.bodies.append(json.loads(body))
                    receiver.headers.append(dict(self.headers))
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


def _page(folder, name, n, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(inputs.scraped_page(n).replace("The foreign minister", text), encoding="utf-8")


def _store(tmp_path, monkeypatch, webhook=None):
    monkeypatch.setenv("GEOWIRE_ALERT_LOG", str(tmp_path / "alerts.jsonl"))
    if webhook:
        monkeypatch.setenv("GEOWIRE_ALERT_WEBHOOK", webhook)
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    _page(tmp_path / "in" / "wire", "old.txt", 1, "Vladimir Putin spoke in Moscow.")
    pipeline.ingest(engine, [tmp_path / "in"], progress=False)  # history: stored before any rule
    return engine


def _log(tmp_path):
    path = tmp_path / "alerts.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_a_rule_fires_once_for_new_articles_and_never_again_on_a_rerun(tmp_path, monkeypatch, receiver):
    engine = _store(tmp_path, monkeypatch, webhook=receiver.url)
    store_alerts.add_rule(engine, store_alerts.Rule(name="Putin", actors=("Q7747",)), _now())
    _page(tmp_path / "in" / "wire", "new.txt", 2, "Vladimir Putin met Recep Tayyip Erdogan in Ankara.")
    _page(tmp_path / "in" / "wire", "other.txt", 3, "The weather in Geneva was mild.")
    first = pipeline.ingest(engine, [tmp_path / "in"], progress=False)
    assert first.ingested.stored == 2 and first.steps_not_done() == []
    assert [a.rule_name for a in first.alerted.fired] == ["Putin"]
    assert len(first.alerted.fired[0].article_ids) == 1  # the new page naming Putin; not the history, not the weather
    assert len(receiver.bodies) == 1 and receiver.bodies[0]["article_count"] == 1
    body = receiver.bodies[0]
    assert body["rule"] == {"id": 1, "name": "Putin", "kind": "match"} and body["articles"][0]["title"].startswith("Diplomatic")
    assert receiver.headers[0]["Idempotency-Key"] == f"geowire-alert-{body['alert_id']}"
    assert [line["alert_id"] for line in _log(tmp_path)] == [body["alert_id"]]
    # A re-run (nothing new), a forced re-ingest of the same files and an evaluation by hand fire nothing.
    assert pipeline.ingest(engine, [tmp_path / "in"], progress=False).alerted.fired == []
    assert pipeline.ingest(engine, [tmp_path / "in"], progress=False, force=True).alerted.fired == []
    assert stage.run(engine, config.alert_settings(str(engine.url))).fired == []
    assert len(receiver.bodies) == 1 and len(_log(tmp_path)) == 1
    assert [d.status for a in store_alerts.recent(engine) for d in a.deliveries] == ["sent"]


def test_a_run_stopped_before_alerting_is_caught_up_by_the_next(tmp_path, monkeypatch):
    engine = _store(tmp_path, monkeypatch)
    store_alerts.add_rule(engine, store_alerts.Rule(name="Ankara", query="ankara"), _now())
    _page(tmp_path / "in" / "wire", "new.txt", 2, "Talks were held in Ankara.")
    monkeypatch.setattr(pipeline.alert_stage, "run", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):  # killed after storing and extracting, before alerting
        pipeline.ingest(engine, [tmp_path / "in"], progress=False)
    monkeypatch.undo()
    monkeypatch.setattr(pipeline, "load_dictionary", sample_corpus.dictionary)
    monkeypatch.setenv("GEOWIRE_ALERT_LOG", str(tmp_path / "alerts.jsonl"))
    caught_up = pipeline.ingest(engine, [tmp_path / "in"], progress=False)
    assert caught_up.ingested.stored == 0 and [len(a.article_ids) for a in caught_up.alerted.fired] == [1]


def test_articles_not_yet_extracted_hold_the_watermark_back(tmp_path, monkeypatch):
    engine = _store(tmp_path, monkeypatch)
    store_alerts.add_rule(engine, store_alerts.Rule(name="Ankara", query="ankara"), _now())
    _page(tmp_path / "in" / "wire", "new.txt", 2, "Talks were held in Ankara.")
    stored = pipeline.ingest(engine, [tmp_path / "in"], progress=False, extract=False)
    assert stored.alerted is None
    assert stage.run(engine, config.alert_settings(str(engine.url))).fired == []  # no actors yet: not evaluated
    assert [len(a.article_ids) for a in pipeline.extract(engine).alerted.fired] == [1]


def test_a_failing_webhook_is_retried_by_the_next_run_without_loss_or_duplicate(tmp_path, monkeypatch):
    failing = Receiver(codes=[500] * delivery.ATTEMPTS_NOW)  # every attempt of the first run fails
    monkeypatch.setattr(delivery, "FIRST_WAIT_SECONDS", 0.01)
    try:
        engine = _store(tmp_path, monkeypatch, webhook=failing.url)
        store_alerts.add_rule(engine, store_alerts.Rule(name="Ankara", query="ankara"), _now())
        _page(tmp_path / "in" / "wire", "new.txt", 2, "Talks were held in Ankara.")
        first = pipeline.ingest(engine, [tmp_path / "in"], progress=False)
        assert len(first.alerted.fired) == 1 and failing.bodies == []
        assert "HTTP 500" in first.alerted.delivered.failed[0]
        (pending,) = store_alerts.due(engine)
        assert pending.status == "pending" and pending.attempts == 1 and "HTTP 500" in pending.last_error
        assert pending.next_attempt_at > NOW  # not due again at once: a later run waits for it
        assert delivery.deliver(engine, config.alert_settings(str(engine.url)), NOW).sent == 0
        # `alerts deliver` tries every pending one: the receiver is up again.
        again = delivery.deliver(engine, config.alert_settings(str(engine.url)), NOW, everything=True)
        assert again.sent == 1 and len(failing.bodies) == 1
        assert delivery.deliver(engine, config.alert_settings(str(engine.url)), NOW, everything=True).sent == 0
        assert len(failing.bodies) == 1 and store_alerts.due(engine) == []
    finally:
        failing.stop()


def test_a_500_then_ok_within_one_run_is_delivered_once(tmp_path, monkeypatch):
    flaky = Receiver(codes=[500])
    monkeypatch.setattr(delivery, "FIRST_WAIT_SECONDS", 0.01)
    try:
        engine = _store(tmp_path, monkeypatch, webhook=flaky.url)
        store_alerts.add_rule(engine, store_alerts.Rule(name="Ankara", query="ankara"), _now())
        _page(tmp_path / "in" / "wire", "new.txt", 2, "Talks were held in Ankara.")
        run = pipeline.ingest(engine, [tmp_path / "in"], progress=False)
        assert run.alerted.delivered.sent == 1 and len(flaky.bodies) == 1
        assert [(d.status, d.attempts) for a in store_alerts.recent(engine) for d in a.deliveries] == [("sent", 1)]
    finally:
        flaky.stop()


def test_email_goes_to_a_local_smtp_server(tmp_path, monkeypatch):
    aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port: the controller's own start cannot report one it chose
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = aiosmtpd_controller.Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("GEOWIRE_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("GEOWIRE_SMTP_PORT", str(port))
        monkeypatch.setenv("GEOWIRE_SMTP_STARTTLS", "false")
        monkeypatch.setenv("GEOWIRE_SMTP_TO", "desk@example.org")
        engine = _store(tmp_path, monkeypatch)
        store_alerts.add_rule(engine, store_alerts.Rule(name="Ankara\nBcc: x@evil", query="ankara"), _now())
        _page(tmp_path / "in" / "wire", "new.txt", 2, "Talks were held in Ankara.")
        run = pipeline.ingest(engine, [tmp_path / "in"], progress=False)
        assert run.alerted.delivered.sent == 1 and len(received) == 1
        message = email.message_from_bytes(received[0].content, policy=email.policy.default)
        assert received[0].rcpt_tos == ["desk@example.org"] and message["Bcc"] is None
        assert message["Subject"].strip() == "Geowire alert: Ankara Bcc: x@evil: 1 new article(s) match Ankara Bcc: x@evil"
        assert "Diplomatic meeting number 2" in message.get_content()
        assert pipeline.ingest(engine, [tmp_path / "in"], progress=False).alerted.delivered.sent == 0
        assert len(received) == 1
    finally:
        controller.stop()


def test_the_smtp_password_is_never_shown():
    settings = config.alert_settings("sqlite://", {"GEOWIRE_SMTP_HOST": "mail", "GEOWIRE_SMTP_PASSWORD": "hunter2"})
    assert settings.smtp_password == "hunter2" and "hunter2" not in repr(settings)
