"""Hostile inputs, written at test time into a folder (never committed: some are tens of megabytes).

Each ``write_*`` function writes one file that attacks one weakness of a reader (nesting that
exhausts a recursive parser, a line with no end, a header a million columns wide, text in an
encoding that looks binary) between good articles, and returns its path. The docstring says where
the hostile part is, so a test can assert the rejection names that row, line or item and that the
good articles around it are stored. ``tests/test_hostile_inputs.py`` runs them through the command
line; ``benchmarks/hostile_bench.py`` runs larger ones and prints peak memory.
"""
from __future__ import annotations

import csv
import io
import json
import zlib
from pathlib import Path

from tests import inputs

# A real export's article: several paragraphs, distinct per n (so nothing merges as a duplicate).
_CSV_HEADER = ["title", "text", "date", "url"]


def article_item(n: int, file_name: str = "") -> dict:
    """One good article as a JSON object, titled ``Hostile-test article {n}``; its text differs
    with ``file_name``, so the same item in two files of a batch is not merged as a duplicate."""
    variant = zlib.crc32(file_name.encode()) % 100_000 * 100
    return {"title": f"Hostile-test article {n}", "text": inputs.article_text(5000 + variant + n),
            "published": "2024-04-0{}T09:00:00Z".format(1 + n % 9), "url": f"https://example.org/hostile/{n}"}


def nested_json(depth: int) -> str:
    """A JSON value ``depth`` levels deep, alternating objects and lists ({"a": [{"a": [... 1 ...]}]})."""
    opening = "".join('{"a":' if level % 2 == 0 else "[" for level in range(depth))
    closing = "".join("}" if level % 2 == 0 else "]" for level in reversed(range(depth)))
    return opening + "1" + closing


def write_good_text(folder: Path, n: int, name: str | None = None) -> Path:
    """A good scraped text page (article ``n``), to put before and after a hostile file in a batch."""
    path = folder / (name or f"good-{n}.txt")
    path.write_text(inputs.scraped_page(n), encoding="utf-8")
    return path


def write_jsonl_with_deep_line(path: Path, depth: int = 5000, deep_line: int = 3, lines: int = 5) -> Path:
    """JSONL of ``lines`` good articles (numbered 1..lines) where line ``deep_line`` is replaced by
    an object whose "text" holds a value nested ``depth`` levels (json.loads recurses once per level)."""
    rows = []
    for line in range(1, lines + 1):
        if line == deep_line:
            rows.append('{"title": "deep", "text": ' + nested_json(depth) + "}")
        else:
            rows.append(json.dumps(article_item(line, path.name), ensure_ascii=False))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_json_object_nested(path: Path, depth: int = 100_000) -> Path:
    """A single-article JSON file (one object with title and text) with one more key holding a
    value nested ``depth`` levels. The article cannot be read without reading that value: the
    whole file is rejected."""
    item = article_item(1, path.name)
    body = json.dumps(item, ensure_ascii=False)[:-1]
    path.write_text(body + ', "extra": ' + nested_json(depth) + "}", encoding="utf-8")
    return path


def write_json_list_with_deep_item(path: Path, total_bytes: int = 200_000, items: int = 5, deep_item: int = 3,
                                   key: str | None = None) -> Path:
    """A JSON list of ``items`` articles (item k titled ``Hostile-test article k``) where item
    ``deep_item`` is a list nested as deep as fits in ``total_bytes`` (2 bytes a level: about
    100,000 levels for 200 KB). With ``key``, the list is under that key of a top-level object
    ({"status": "ok", key: [...]}), as news APIs export it; otherwise it is the top level."""
    good = [json.dumps(article_item(n, path.name), ensure_ascii=False) for n in range(1, items + 1) if n != deep_item]
    depth = max(1, (total_bytes - sum(len(g) + 2 for g in good)) // 2)
    entries = good[:deep_item - 1] + ["[" * depth + "]" * depth] + good[deep_item - 1:]
    listing = "[" + ", ".join(entries) + "]"
    path.write_text(listing if key is None else '{"status": "ok", "total": %d, "%s": %s}' % (items, key, listing),
                    encoding="utf-8")
    return path


def write_jsonl_with_long_line(path: Path, line_bytes: int, long_line: int = 3, lines: int = 5,
                               final_newline: bool = True) -> Path:
    """JSONL of ``lines`` lines where line ``long_line`` is one article object of ``line_bytes``
    bytes (its text is padding); the others are good articles. With ``long_line == lines`` and
    ``final_newline=False`` the file ends inside the long line, as a file cut off in transfer."""
    rows = []
    for line in range(1, lines + 1):
        if line == long_line:
            head = '{"title": "long", "text": "'
            rows.append(head + "x" * max(0, line_bytes - len(head) - 2) + '"}')
        else:
            rows.append(json.dumps(article_item(line, path.name), ensure_ascii=False))
    path.write_text("\n".join(rows) + ("\n" if final_newline else ""), encoding="utf-8")
    return path


def write_csv_with_long_line(path: Path, line_bytes: int, long_row: int = 3, rows: int = 5) -> Path:
    """CSV (title, text, date, url) of ``rows`` rows where data row ``long_row`` is one line of
    ``line_bytes`` bytes (an unquoted text field of padding); the others are good articles."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_HEADER)
    for row in range(1, rows + 1):
        if row == long_row:
            head = "long,"
            buffer.write(head + "x" * max(0, line_bytes - len(head) - len(",2024-04-01,u\n")) + ",2024-04-01,u\n")
        else:
            item = article_item(row, path.name)
            writer.writerow([item["title"], item["text"], item["published"], item["url"]])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def write_csv_with_unclosed_quote(path: Path, long_lines: int = 25, line_bytes: int = 2**20,
                                  broken_row: int = 2, rows: int = 4) -> Path:
    """CSV whose data row ``broken_row`` opens a quote that never closes, followed by
    ``long_lines`` lines of ``line_bytes`` bytes each without any quote (so the open quote swallows
    them all), then the remaining good rows. Data rows other than ``broken_row`` are good
    articles (``Hostile-test article k`` for row k); the long lines are not rows of the header's shape."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_HEADER)
    for row in range(1, rows + 1):
        item = article_item(row, path.name)
        if row == broken_row:
            one_line = " ".join(item["text"].split())
            buffer.write(f'"Broken row {row},{one_line},2024-04-01,u\n')
            filler = "y" * (line_bytes - 1) + "\n"
            for _ in range(long_lines):
                buffer.write(filler)
        else:
            writer.writerow([item["title"], item["text"], item["published"], item["url"]])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def write_utf16_text(path: Path, byte_order: str = "le", n: int = 1) -> Path:
    """A scraped text page (article ``n``) in UTF-16 without a byte-order mark (``byte_order``
    "le" or "be"), as some Windows tools save it: every other byte of Latin text is NUL."""
    path.write_bytes(inputs.scraped_page(n, "fr").encode(f"utf-16-{byte_order}"))
    return path


def write_deeply_nested_html(path: Path, depth: int, n: int = 1) -> Path:
    """An HTML page whose article (article ``n``'s paragraphs, headline ``Nested page {n}``) sits
    inside ``depth`` nested <div> elements, as page builders produce; a shallow footer follows it."""
    paragraphs = "".join(f"<p>{p}</p>" for p in inputs.article_text(n).split("\n\n"))
    wrapper = '<div class="wrap">'
    page = (f'<!DOCTYPE html><html lang="en"><head><title>Nested page {n}</title></head><body>'
            f"{wrapper * depth}<article><h1>Nested page {n}</h1>{paragraphs}</article>"
            f"{'</div>' * depth}<footer><p>Contact us</p></footer></body></html>")
    path.write_text(page, encoding="utf-8")
    return path


def write_huge_html(path: Path, megabytes: float) -> Path:
    """An HTML page of about ``megabytes`` MB: one article followed by many paragraphs of comment-like text."""
    filler = "<div class=\"c\"><p>" + ("A reader wrote a comment about the meeting in Geneva. " * 8) + "</p></div>\n"
    count = int(megabytes * 2**20 // len(filler))
    paragraphs = "".join(f"<p>{p}</p>" for p in inputs.article_text(1).split("\n\n"))
    path.write_text("<!DOCTYPE html><html><head><title>Huge page</title></head><body><article><h1>Huge page</h1>"
                    f"{paragraphs}</article><section>{filler * count}</section></body></html>", encoding="utf-8")
    return path


def write_deeply_nested_feed(path: Path, html_depth: int = 0, xml_depth: int = 0, items: int = 3,
                             deep_item: int = 2) -> Path:
    """An RSS feed "Deep Feed" of ``items`` good items ("Feed item k"). Item ``deep_item``'s
    description holds its article inside ``html_depth`` nested <div> elements (HTML in CDATA, as
    feeds carry it); with ``xml_depth``, an unknown XML element nested that many levels sits in
    the channel before the items (the XML itself is deep)."""
    entries = []
    for n in range(1, items + 1):
        body = f"<p>{inputs.article_text(400 + n)}</p>"
        if n == deep_item:
            body = "<div>" * html_depth + body + "</div>" * html_depth
        entries.append(f"<item><title>Feed item {n}</title><link>https://feed.example/{n}</link>"
                       f"<pubDate>Tue, 0{n} Jul 2024 10:00:00 +0000</pubDate>"
                       f"<description><![CDATA[{body}]]></description></item>")
    junk = "<x>" * xml_depth + "junk" + "</x>" * xml_depth if xml_depth else ""
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Deep Feed</title>'
                    f"{junk}{''.join(entries)}</channel></rss>", encoding="utf-8")
    return path


def write_huge_feed(path: Path, megabytes: float) -> Path:
    """An RSS feed "Huge Feed" of about ``megabytes`` MB: as many distinct items ("Feed item k",
    each with one article of HTML in its description) as fit."""
    items, size, n = [], 0, 0
    while size < megabytes * 2**20:
        n += 1
        item = (f"<item><title>Feed item {n}</title><link>https://feed.example/huge/{n}</link>"
                f"<description><![CDATA[<p>{inputs.article_text(20_000 + n)}</p>]]></description></item>")
        items.append(item)
        size += len(item)
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Huge Feed</title>'
                    f"{''.join(items)}</channel></rss>", encoding="utf-8")
    return path


def write_wide_csv(path: Path, columns: int = 1_000_000, rows: int = 2) -> Path:
    """A CSV whose header has ``columns`` columns: title, text, then extra_3, extra_4, ... Each of
    the ``rows`` data rows fills title and text (``Hostile-test article k``) and leaves the rest empty."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("title,text," + ",".join(f"extra_{i}" for i in range(3, columns + 1)) + "\n")
        empty = "," * (columns - 2)
        for row in range(1, rows + 1):
            item = article_item(row, path.name)
            handle.write(f'"{item["title"]}","{item["text"]}"{empty}\n')
    return path


def write_csv_with_nul_bytes(path: Path, nul_rows: tuple[int, ...] = (2, 3), rows: int = 4) -> Path:
    """A CSV of ``rows`` good articles where each data row in ``nul_rows`` has one NUL byte inside
    its title and one inside its text: 2 NUL bytes per such row (4 with the defaults)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_HEADER)
    for row in range(1, rows + 1):
        item = article_item(row, path.name)
        title, text = item["title"], item["text"]
        if row in nul_rows:
            title = title.replace("article", "arti\x00cle")
            text = text.replace("minister", "mini\x00ster", 1)
        writer.writerow([title, text, item["published"], item["url"]])
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def write_json_list_with_long_string(path: Path, string_bytes: int, items: int = 4, long_item: int = 2) -> Path:
    """A JSON list of ``items`` articles where item ``long_item``'s text is one string of
    ``string_bytes`` bytes (JSON parsers buffer a whole string before handing it over)."""
    entries = []
    for n in range(1, items + 1):
        item = article_item(n, path.name)
        if n == long_item:
            item["text"] = "z" * string_bytes
        entries.append(json.dumps(item, ensure_ascii=False))
    path.write_text("[" + ",\n".join(entries) + "]", encoding="utf-8")
    return path
