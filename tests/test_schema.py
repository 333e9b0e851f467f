"""Checks on the code base as a whole: the documented schema and the layering."""
import ast
import re
from pathlib import Path

from core import schema

REPO = Path(__file__).resolve().parent.parent


def test_docs_schema_lists_the_schema_columns():
    doc = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z_]+)` \| `([^`]+)` \|", doc, flags=re.M)
    assert documented == [(name, dtype) for name, dtype, _ in schema.ARTICLE_FIELDS], \
        "docs/schema.md is stale: regenerate its table from core/schema.py ARTICLE_FIELDS"


def test_core_never_imports_streamlit():
    offenders = []
    for path in sorted((REPO / "core").glob("*.py")):
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
