"""Hostile inputs through ``python -m core ingest``: peak memory, time and what the user is told.

Each case writes one hostile file (``tests/hostile.py``) between two good text files, ingests the
folder with ``--no-extract`` in a child process capped at ``--cap-mb`` of address space (so a
regression cannot take the machine down), and prints the child's peak RSS, wall time, exit status,
whether a traceback reached stderr, how many articles were stored and the first rejection line.

    PYTHONPATH=. .venv/bin/python benchmarks/hostile_bench.py                 # every case
    PYTHONPATH=. .venv/bin/python benchmarks/hostile_bench.py --cases deep-jsonl,wide-csv
    PYTHONPATH=. .venv/bin/python benchmarks/hostile_bench.py --big-mb 2048   # a 2 GB line without newline

The script always exits 0; it measures, the tests assert.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests import hostile  # noqa: E402

MB = 2**20
LIMIT = 20 * MB  # core.config.MAX_DOCUMENT_BYTES


def _cases(big_mb: int) -> dict:
    return {
        "deep-jsonl": lambda f: hostile.write_jsonl_with_deep_line(f / "deep.jsonl", depth=5000),
        "deep-json-object": lambda f: hostile.write_json_object_nested(f / "deep-object.json", depth=100_000),
        "deep-json-list": lambda f: hostile.write_json_list_with_deep_item(f / "deep-list.json", total_bytes=200_000),
        "deep-json-under-key": lambda f: hostile.write_json_list_with_deep_item(f / "deep-key.json", total_bytes=200_000,
                                                                                key="articles"),
        "long-jsonl-line": lambda f: hostile.write_jsonl_with_long_line(f / "long.jsonl", LIMIT + MB),
        "big-jsonl-no-newline": lambda f: hostile.write_jsonl_with_long_line(f / "big.jsonl", big_mb * MB, long_line=5,
                                                                             final_newline=False),
        "long-csv-line": lambda f: hostile.write_csv_with_long_line(f / "long.csv", LIMIT + MB),
        "big-csv-line": lambda f: hostile.write_csv_with_long_line(f / "big.csv", big_mb * MB),
        "unclosed-quote-csv": lambda f: hostile.write_csv_with_unclosed_quote(f / "unclosed.csv", long_lines=60),
        "long-json-string": lambda f: hostile.write_json_list_with_long_string(f / "long-string.json", big_mb * MB),
        "utf16-le": lambda f: hostile.write_utf16_text(f / "utf16le.txt", "le"),
        "utf16-be": lambda f: hostile.write_utf16_text(f / "utf16be.txt", "be"),
        "deep-html-300": lambda f: hostile.write_deeply_nested_html(f / "deep300.html", 300, n=3),
        "deep-html-5000": lambda f: hostile.write_deeply_nested_html(f / "deep5000.html", 5000, n=3),
        "deep-html-max": lambda f: hostile.write_deeply_nested_html(f / "deepmax.html", 800_000, n=3),
        "huge-html": lambda f: hostile.write_huge_html(f / "huge.html", 19),
        "deep-feed-html": lambda f: hostile.write_deeply_nested_feed(f / "deep-html.rss", html_depth=5000),
        "deep-feed-xml": lambda f: hostile.write_deeply_nested_feed(f / "deep-xml.rss", xml_depth=5000),
        "deep-feed-xml-max": lambda f: hostile.write_deeply_nested_feed(f / "deepmax.rss", xml_depth=2_500_000),
        "huge-feed": lambda f: hostile.write_huge_feed(f / "huge.rss", 19),
        "wide-csv": lambda f: hostile.write_wide_csv(f / "wide.csv", 1_000_000),
        "nul-csv": lambda f: hostile.write_csv_with_nul_bytes(f / "nul.csv"),
    }


def _run(folder: Path, db: Path, cap_mb: int, timeout: float) -> dict:
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap_mb * MB, cap_mb * MB))

    out, err = folder.parent / "stdout", folder.parent / "stderr"
    started = time.perf_counter()
    with open(out, "w") as o, open(err, "w") as e:
        child = subprocess.Popen([sys.executable, "-m", "core", "--db", str(db), "ingest", "--quiet", "--no-extract",
                                  str(folder)], cwd=REPO, stdout=o, stderr=e, preexec_fn=limit,
                                 env=dict(os.environ, PYTHONPATH=str(REPO)))
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    stderr = err.read_text(errors="replace")
    stored = 0
    if db.exists():
        with sqlite3.connect(db) as conn:
            stored = conn.execute("select count(*) from articles").fetchone()[0]
    rejected = [line for line in stderr.splitlines() if line.startswith("rejected:")]
    return {"rss_mb": usage.ru_maxrss / 1024, "seconds": seconds, "status": os.waitstatus_to_exitcode(status),
            "traceback": "Traceback" in stderr, "stored": stored,
            "said": (rejected[0] if rejected else stderr.strip().splitlines()[-1] if stderr.strip() else "")[-160:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--cap-mb", type=int, default=4096, help="address-space cap of the child (default 4096)")
    parser.add_argument("--big-mb", type=int, default=200, help="size of the 'big' cases in MB (default 200)")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    cases = _cases(args.big_mb)
    names = args.cases.split(",") if args.cases else list(cases)
    print(f"{'case':22} {'peak MB':>8} {'s':>7} {'exit':>4} {'tb':>3} {'stored':>6}  first rejection (tail)")
    for name in names:
        work = Path(tempfile.mkdtemp(prefix="hostile-"))
        try:
            folder = work / "batch"
            folder.mkdir()
            hostile.write_good_text(folder, 1, "a-good.txt")
            cases[name](folder)
            hostile.write_good_text(folder, 2, "z-good.txt")
            r = _run(folder, work / "store.db", args.cap_mb, args.timeout)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"{name:22} {r['rss_mb']:8.0f} {r['seconds']:7.1f} {r['status']:>4} {'yes' if r['traceback'] else 'no':>3} "
              f"{r['stored']:6}  {r['said']}", flush=True)


if __name__ == "__main__":
    main()
