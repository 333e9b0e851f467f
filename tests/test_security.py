"""What a browser can make the dashboard write or read, and where the dashboard listens.

Uploads and typed folders come from whoever can open the dashboard: a name must never become a
path out of the uploads folder, and a folder read must stay inside the configured roots.
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import config
from core.errors import ConfigError, InputError
from core.ingest import batch, inbox
from core.store import reads
from tests import inputs
from tests.conftest import REPO

APP = str(REPO / "app.py")


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def uploads(tmp_path):
    """An uploads folder with a precious file beside it, as data/settings.toml is beside data/uploads."""
    (tmp_path / "settings.toml").write_text("[translation]\nurl = 'http://127.0.0.1:5000/'\n", encoding="utf-8")
    return tmp_path / "uploads"


@pytest.mark.parametrize("outlet", ["..", ".", "../..", "/", "./..", "..\\..", "\x00", " .. "])
def test_an_outlet_name_that_is_only_dots_or_separators_is_refused(uploads, outlet):
    before = _tree(uploads.parent)
    with pytest.raises(InputError, match="needs letters or digits"):
        inbox.save_uploads(uploads, outlet, [("settings.toml", b"[translation]\nurl = 'http://evil.example/'\n")], "upload")
    assert _tree(uploads.parent) - before <= {"uploads"}
    assert "127.0.0.1" in (uploads.parent / "settings.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("outlet, folder", [("../etc", "etc"), ("a/../../b", "a-..-..-b"), ("/tmp/x", "tmp-x"),
                                            ("Al Ufuq (Cairo)", "Al Ufuq -Cairo"), ("وكالة سبأ", "وكالة سبأ")])
def test_an_outlet_name_becomes_one_folder_inside_the_uploads(uploads, outlet, folder):
    saved = inbox.save_uploads(uploads, outlet, [("a.txt", b"text")], "upload")
    assert saved.folder == (uploads / folder).resolve()
    assert saved.folder.parent == uploads.resolve()
    assert (saved.folder / "a.txt").read_bytes() == b"text"


@pytest.mark.parametrize("name, saved_as", [
    ("../settings.toml", "settings.toml"), ("/etc/passwd", "etc-passwd"), ("..\\..\\x.csv", "x.csv"),
    ("a\x00b.txt", "ab.txt"), (".", "upload-1"), ("..", "upload-1"), ("", "upload-1"), ("\x00", "upload-1"),
    (".hidden.csv", "hidden.csv"), ("  .env", "env"), ("line\nbreak.txt", "linebreak.txt"),
    ("rtl\u202etxt.exe", "rtltxt.exe"),
])
def test_a_file_name_is_saved_as_a_plain_name_inside_the_folder(uploads, name, saved_as):
    before = _tree(uploads.parent)
    saved = inbox.save_uploads(uploads, "outlet", [(name, b"body")], "upload")
    assert [p.name for p in saved.saved] == [saved_as]
    assert saved.saved[0].parent == (uploads / "outlet").resolve()
    assert _tree(uploads.parent) - before == {"uploads", "uploads/outlet", f"uploads/outlet/{saved_as}"}
    assert len(saved.notes) == 1 and saved_as in saved.notes[0]
    if name.lstrip().startswith("."):
        assert "hidden" in saved.notes[0]


def test_long_and_repeated_names_are_kept_apart_and_short(uploads):
    long_name = "ش" * 300 + ".csv"
    saved = inbox.save_uploads(uploads, "outlet", [(long_name, b"1"), ("a.txt", b"2"), ("A.txt", b"3"), ("a.txt", b"4")],
                               "upload")
    names = [p.name for p in saved.saved]
    assert len(names[0].encode()) <= inbox.MAX_NAME_BYTES and names[0].endswith(".csv")
    assert len({n.casefold() for n in names}) == 4
    assert sorted(p.read_bytes() for p in saved.saved) == [b"1", b"2", b"3", b"4"]


def test_links_in_the_uploads_folder_are_not_followed_out(uploads, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("keep", encoding="utf-8")
    uploads.mkdir()
    (uploads / "linked-outlet").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError, match="outside the uploads folder"):
        inbox.save_uploads(uploads, "linked-outlet", [("victim.txt", b"overwritten")], "upload")
    # A link as a file name is replaced by the upload, not written through.
    (uploads / "outlet").mkdir()
    (uploads / "outlet" / "victim.txt").symlink_to(outside / "victim.txt")
    saved = inbox.save_uploads(uploads, "outlet", [("victim.txt", b"uploaded")], "upload")
    assert (outside / "victim.txt").read_text(encoding="utf-8") == "keep"
    assert not saved.saved[0].is_symlink() and saved.saved[0].read_bytes() == b"uploaded"
    assert not list((uploads / "outlet").glob(".upload-*")), "a temporary file was left behind"


def test_folder_reads_stay_inside_the_roots(tmp_path):
    root = tmp_path / "inbox"
    (root / "scrapes").mkdir(parents=True)
    (root / "scrapes" / "a.txt").write_text("x", encoding="utf-8")
    secret = tmp_path / "home" / ".ssh"
    secret.mkdir(parents=True)
    (root / "escape").symlink_to(secret, target_is_directory=True)
    roots = [root.resolve()]
    assert inbox.readable_folder(str(root / "scrapes"), roots) == (root / "scrapes").resolve()
    assert inbox.readable_folder(f"  {root / 'scrapes' / 'a.txt'} ", roots).name == "a.txt"
    for typed, problem in [(str(secret), "outside the folders"), (str(root / "escape"), "outside the folders"),
                           (str(root / "scrapes" / ".." / ".."), "outside the folders"), ("/etc", "outside the folders"),
                           ("scrapes", "full path"), (str(root / "nothing"), "no such file"), ("/tmp/\x00", "NUL")]:
        with pytest.raises(InputError, match=problem):
            inbox.readable_folder(typed, roots)


def test_a_link_inside_a_root_is_not_followed_out_by_the_ingest(tmp_path, engine, lexicon):
    root, outside = tmp_path / "inbox", tmp_path / "private"
    (root / "outlet").mkdir(parents=True)
    outside.mkdir()
    (outside / "notes.txt").write_text(inputs.scraped_page(7), encoding="utf-8")
    (root / "outlet" / "page.txt").write_text(inputs.scraped_page(8), encoding="utf-8")
    (root / "outlet" / "notes.txt").symlink_to(outside / "notes.txt")
    summary = batch.ingest(engine, [root / "outlet"], lexicon=lexicon, progress=False, roots=[root.resolve()])
    assert summary.stored == 1
    assert summary.problems == [f"{root / 'outlet' / 'notes.txt'}: leads to {(outside / 'notes.txt').resolve()}, "
                                "outside the folders this dashboard may read; not read"]
    assert list(reads.load_articles(engine)["origin_file"]) == [str((root / "outlet" / "page.txt").resolve())]
    # The command line, run by the machine's own user, follows the link.
    assert batch.ingest(engine, [root / "outlet"], lexicon=lexicon, progress=False).stored == 1


def test_roots_come_from_the_environment_and_default_to_the_inbox(tmp_path):
    assert config.ingest_roots({}) == [config.INBOX_DIR.resolve(), config.UPLOADS_DIR.resolve()]
    assert config.ingest_roots({"GEOWIRE_INGEST_ROOTS": f"{tmp_path}{os.pathsep}{tmp_path / 'b'}"}) == \
        [tmp_path.resolve(), (tmp_path / "b").resolve()]
    with pytest.raises(ConfigError, match="not an absolute path"):
        config.ingest_roots({"GEOWIRE_INGEST_ROOTS": "relative/folder"})


# --- the Ingest page ----------------------------------------------------------------------------

@pytest.fixture
def ingest_page(tmp_path, monkeypatch, uploads):
    monkeypatch.setenv("GEOWIRE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("GEOWIRE_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("GEOWIRE_SAMPLE_CORPUS", "0")
    monkeypatch.setenv("GEOWIRE_UPLOADS_DIR", str(uploads))
    monkeypatch.setenv("GEOWIRE_INGEST_ROOTS", str(tmp_path / "inbox"))
    (tmp_path / "inbox").mkdir()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/ingest.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_ingest_page_refuses_an_outlet_that_names_a_parent_folder(ingest_page, uploads):
    at = ingest_page
    at.file_uploader(key="ingest_files").set_value([("settings.toml", b"[translation]\nurl='http://evil.example/'\n", "text/plain")])
    at.text_input(key="ingest_source").input("..").run()
    at.button(key="ingest_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("needs letters or digits" in e.value for e in at.error)
    assert "127.0.0.1" in (uploads.parent / "settings.toml").read_text(encoding="utf-8")
    assert not uploads.exists() or not any(uploads.iterdir())


def test_the_ingest_page_saves_odd_file_names_and_says_so(ingest_page, uploads):
    at = ingest_page
    page = inputs.scraped_page(1, "fr").encode()
    at.file_uploader(key="ingest_files").set_value(
        [(".hidden.txt", page, "text/plain"), (".", page, "text/plain"), ("a\x00b.txt", page, "text/plain")])
    at.text_input(key="ingest_source").input("echo").run()
    at.button(key="ingest_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    notes = " ".join(w.value for w in at.warning)
    assert "hidden.txt" in notes and "upload-2" in notes and "ab.txt" in notes
    assert sorted(p.name for p in (uploads / "echo").iterdir()) == ["ab.txt", "hidden.txt", "upload-2"]


def test_the_ingest_page_reads_no_folder_outside_its_roots(ingest_page, tmp_path):
    at = ingest_page
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.txt").write_text(inputs.scraped_page(2), encoding="utf-8")
    at.text_input(key="ingest_folder").input(str(secret)).run()
    at.button(key="ingest_read_folder").click().run()
    assert not at.exception
    assert any("outside the folders this dashboard may read" in e.value for e in at.error)
    assert not any("The last ingest" in s.value for s in at.success)


# --- where the dashboard listens ----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (from the kernel's tables)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                # The kernel writes each 32-bit word in host order (little-endian here).
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(socket.inet_ntop(socket.AF_INET if width == 8 else socket.AF_INET6, words))
    return found


@pytest.mark.parametrize("cwd", ["repo", "elsewhere"])
def test_the_dashboard_listens_only_on_loopback_by_default(tmp_path, cwd):
    """Started as the README says, and from another folder (where Streamlit's own default would be
    every interface, .streamlit/config.toml not being read)."""
    port = _free_port()
    env = dict(os.environ, GEOWIRE_DB=str(tmp_path / "empty.db"), GEOWIRE_SAMPLE_CORPUS="0", PYTHONPATH=str(REPO))
    env.pop("STREAMLIT_SERVER_ADDRESS", None)
    server = subprocess.Popen([sys.executable, str(REPO / "serve.py"), "--server.port", str(port)],
                              cwd=REPO if cwd == "repo" else tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"the server stopped: {server.stderr.read()[-2000:]}")
                time.sleep(0.1)
        else:
            pytest.fail("the dashboard did not answer within 60 s")
        assert _listening_addresses(port) == {"127.0.0.1"}
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "WARNING" not in stderr


def test_another_address_must_be_asked_for_and_is_warned_about():
    sys.path.insert(0, str(REPO))
    try:
        import serve
    finally:
        sys.path.remove(str(REPO))
    assert serve.with_address(["--server.port", "1"])[1] == "127.0.0.1"
    assert serve.with_address(["--server.address", "0.0.0.0"]) == (["--server.address", "0.0.0.0"], "0.0.0.0")
    assert serve.with_address(["--server.address=::"])[1] == "::"
    assert [serve.is_loopback(a) for a in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "::", "10.0.0.5", "team.example")] == \
        [True, True, True, False, False, False, False]
