"""Checks on the code base as a whole: the documented schema and the layering."""
import ast
import re
from pathlib import Path

import sqlalchemy as sa

from core import schema, store

REPO = Path(__file__).resolve().parent.parent


def test_docs_schema_lists_the_schema_columns():
    doc = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z_]+)` \| `([^`]+)` \|", doc, flags=re.M)
    assert documented == [(name, dtype) for name, dtype, _ in schema.ARTICLE_FIELDS], \
        "docs/schema.md is stale: regenerate its table from core/schema.py ARTICLE_FIELDS"


def test_core_never_imports_streamlit():
    offenders = []
    for path in sorted((REPO / "core").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(name.split(".")[0] == "streamlit" for name in names):
                offenders.append(path.name)
    assert offenders == []


def test_empty_frame_has_schema_dtypes():
    empty = schema.empty_articles()
    assert list(empty.columns) == list(schema.ARTICLE_COLUMNS)
    assert str(empty["published"].dtype) == schema.TIMESTAMP_DTYPE
def test_a_store_of_an_earlier_version_gains_the_new_columns(tmp_path):
    db = tmp_path / "old.db"
    old = sa.create_engine(f"sqlite:///{db}")
    with old.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE translations (article_id VARCHAR(32) NOT NULL, target_lang VARCHAR(16) NOT NULL, "
                             "provider VARCHAR(16) NOT NULL, title TEXT, status VARCHAR(16) NOT NULL, at DATETIME NOT NULL, "
                             "PRIMARY KEY (article_id, target_lang))")
        conn.exec_driver_sql("INSERT INTO translations VALUES ('a1', 'en', 'libre', 'Title', 'pending', '2024-01-01 00:00:00')")
    engine = store.connect(f"sqlite:///{db}")
    columns = {c["name"] for c in sa.inspect(engine).get_columns("translations")}
    assert {"text", "error"} <= columns
    frame = store.load_translations(engine, "en")
    assert frame.loc[0, "title"] == "Title" and frame["text"].isna().all()
