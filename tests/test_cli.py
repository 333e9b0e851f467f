"""The command line as a user types it: options before or after the command, --version, and the
`geowire` command installed by the project's own packaging."""
import subprocess
import sys
from pathlib import Path

import pytest

from core import __version__, cli
from core.store import database, reads
from tests import inputs


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "outlet").mkdir()
    (tmp_path / "outlet" / "page.txt").write_text(inputs.scraped_page(4, "fr"), encoding="utf-8")
    return tmp_path / "outlet"


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_store_option_goes_before_or_after_the_command(folder, tmp_path, where, capsys):
    db = tmp_path / f"{where}.db"
    words = ["ingest", str(folder), "--no-extract"]
    argv = ["--db", str(db), *words] if where == "before" else [*words, "--db", str(db)]
    assert cli.main(argv) == 0, capsys.readouterr().err
    assert len(reads.load_articles(database.connect(f"sqlite:///{db}"))) == 1


def test_the_option_after_the_command_wins_over_the_one_before(folder, tmp_path, capsys):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert cli.main(["--db", str(first), "ingest", str(folder), "--no-extract", "--db", str(second)]) == 0
    assert not first.exists() and second.exists()


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"geowire {__version__}"


def test_the_geowire_command_is_installed_in_the_environment(folder, tmp_path):
    """scripts/test.sh and scripts/dashboard.sh install the project (pyproject.toml) into the
    fresh virtual environment they make; its `geowire` command is `python -m core`."""
    command = Path(sys.executable).parent / "geowire"
    assert command.exists(), f"{command} is missing: install the project with `pip install --no-deps -e .`"
    version = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=120)
    assert version.stdout.strip() == f"geowire {__version__}", version.stderr
    db = tmp_path / "installed.db"
    run = subprocess.run([command, "ingest", str(folder), "--no-extract", "--db", str(db)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "1 article(s) stored" in run.stdout
