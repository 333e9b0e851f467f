"""The suite's test ids are the same whenever it is collected. pytest-xdist has every worker
collect the suite on its own and stops the whole run when their lists differ, which a test id
made from the clock did whenever a second passed between two workers' collections."""
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _collected() -> list[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_two_collections_a_second_apart_give_the_same_test_ids():
    first = _collected()
    time.sleep(1.1)
    second = _collected()
    assert len(first) > 1000
    assert first == second, sorted(set(first) ^ set(second))[:10]
