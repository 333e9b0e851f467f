import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import config
from core.ingest import scraped_text
from core.store import database

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def lexicon():
    return scraped_text.Lexicon.load(config.BOILERPLATE_FILE)


@pytest.fixture
def engine():
    """An in-memory store with the schema."""
    return database.connect("sqlite://")


@pytest.fixture
def seeds():
    if not SEEDS.is_dir():
        pytest.skip(f"the real scraped seeds are read from {SEEDS}, which this clone does not have")
    return {path.name: path for path in sorted(SEEDS.glob("*.txt"))}


def run_cli(*args, db: Path, cwd: Path = REPO, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(env or os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "core", "--db", str(db), *map(str, args)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
