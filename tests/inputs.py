"""Inputs the tests write for themselves: distinct small articles and a corpus of bad files."""
from __future__ import annotations

import csv
import json
from pathlib import Path

_FRENCH = ("Le ministre des Affaires étrangères a rencontré son homologue à Genève pour discuter du cessez-le-feu. "
           "Les deux délégations ont échangé leurs positions pendant plusieurs heures, selon un communiqué. "
           "Aucun accord n'a été annoncé, mais une nouvelle réunion est prévue la semaine prochaine.")
_ARABIC = ("التقى وزير الخارجية نظيره في جنيف لبحث وقف إطلاق النار. وتبادل الوفدان المواقف لعدة ساعات "
           "بحسب بيان رسمي. ولم يعلن عن أي اتفاق لكن اجتماعا جديدا مقرر الأسبوع المقبل في العاصمة.")
_ENGLISH = ("The foreign minister met his counterpart in Geneva to discuss the ceasefire. The two delegations "
            "exchanged positions for several hours, according to a statement. No agreement was announced, "
            "but a new meeting is planned for next week in the capital.")


def article_text(n: int, language: str = "en") -> str:
    """A body of several paragraphs that differs from every other n (so nothing is a duplicate)."""
    base = {"fr": _FRENCH, "ar": _ARABIC, "en": _ENGLISH}[language]
    marker = {"fr": f"Réunion numéro {n}, dossier {n * 7919 % 10007}.",
              "ar": f"الاجتماع رقم {n} والملف {n * 7919 % 10007}.",
              "en": f"Meeting number {n}, file {n * 7919 % 10007}."}[language]
    return f"{marker} {base}\n\n{base} {marker}\n\n{marker} " + " ".join(f"w{n}x{i}" for i in range(40))


def scraped_page(n: int, language: str = "en", title: str | None = None) -> str:
    title = title or {"fr": f"Réunion diplomatique numéro {n} à Genève", "ar": f"اجتماع دبلوماسي رقم {n} في جنيف",
                      "en": f"Diplomatic meeting number {n} in Geneva"}[language]
    date = {"fr": "12/03/2024", "ar": "الثلاثاء 2024/03/12", "en": "March 12, 2024"}[language]
    return f"{date}\n\n{title}\n\nShare\nPrint\n\n{article_text(n, language)}\n\nComments\n"


def write_bad_inputs(folder: Path) -> dict[str, Path]:
    """Every kind of bad input a user's batch contains, next to good files. Returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        path = folder / name
        path.write_bytes(data)
        files[name] = path

    put("empty.txt", b"")
    put("blank.txt", b"   \n\n  \n")
    put("picture.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    put("utf16.txt", scraped_page(1, "fr").encode("utf-16"))  # Python writes the byte-order mark
    put("arabic-cp1256.txt", scraped_page(2, "ar").encode("cp1256"))
    put("french-latin1.txt", scraped_page(3, "fr").replace("’", "'").encode("latin-1"))
    put("nul-bytes.txt", scraped_page(4, "en").replace("minister", "mini\x00ster", 2).encode("utf-8"))
    put("file with spaces.txt", scraped_page(5, "en").encode())
    put("خبر عاجل.txt", scraped_page(6, "ar").encode())
    put("only-boilerplate.txt", "Share\nPrint\nTweet\n\nLEAVE A REPLY\n\nPlease enter your comment!\n"
                                "Please enter your name here\n\n- Advertisement -\n".encode())

    rows = [["title", "body", "date", "link", "outlet"]]
    for n in range(1, 6):
        rows.append([f"CSV article {n}", article_text(100 + n), "2024-05-0" + str(n), f"https://example.org/{n}", "Wire"])
    text = ""
    for index, row in enumerate(rows):
        line = _csv_line(row)
        if index == 3:  # data row 3: an opening quote that is never closed
            line = line.replace('"CSV article 3"', '"CSV article 3', 1)
        text += line
    put("broken-quote.csv", text.encode())

    items = [{"title": f"JSON article {n}", "content": article_text(200 + n), "published": f"2024-06-0{n}T08:00:00Z",
              "url": f"https://example.org/j{n}", "publisher": "Json Daily"} for n in range(1, 5)]
    whole = json.dumps({"articles": items}, ensure_ascii=False)
    put("truncated.json", whole[: whole.index("JSON article 4") - 30].encode())

    entries = "".join(
        f"<item><title>Feed item {n}</title><link>https://feed.example/{n}</link>"
        f"<pubDate>Tue, 0{n} Jul 2024 10:00:00 +0000</pubDate>"
        f"<description><![CDATA[<p>{article_text(300 + n)}</p>]]></description></item>" for n in range(1, 4))
    put("malformed.rss", (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                          f"<title>Broken Feed</title>{entries}<item><title>Cut off &bogus; <link>").encode())

    # One 6 MB line: a scraped page with its line breaks lost. Its words repeat every 5,000, as a
    # real page's vocabulary does: the batch's extraction looks each distinct word up once, and
    # 330,000 distinct words took it ten seconds. The test is of the line's length.
    put("one-line.txt", (" ".join(f"word{i % 5000} sentence{i % 5000}." for i in range(330_000)))[: 6 * 2**20].encode())
    return files


def write_huge_text(path: Path, megabytes: int = 100) -> Path:
    block = (("Lorem ipsum dolor sit amet, this is not an article but a dump. " * 16) + "\n").encode() * 1024
    with open(path, "wb") as handle:
        for _ in range(megabytes * 2**20 // len(block) + 1):
            handle.write(block)
    return path


def write_huge_csv(path: Path, megabytes: int = 100, rows: int = 40) -> Path:
    """A large export: few articles, each with a large column the ingest ignores. Streamed, it must
    not need memory in proportion to the file."""
    padding = "x" * (megabytes * 2**20 // rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "text", "date", "raw_html"])
        for n in range(rows):
            writer.writerow([f"Large export article {n}", article_text(1000 + n), "2024-02-01", padding])
    return path


def _csv_line(row: list[str]) -> str:
    import io
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerow(row)
    return buffer.getvalue()
