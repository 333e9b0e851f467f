"""The architecture of docs/architecture.md, checked on the code: which package may import which,
one owner of the pipeline, no imports hidden in function bodies, modules of one job."""
import ast
from pathlib import Path

import pytest

from ui import navigation

REPO = Path(__file__).resolve().parent.parent
# Modules every stage may use: the table descriptions, errors, settings, language facts, fingerprints,
# the Dask cluster the per-file and per-article work may be sent to.
BASE = {"schema", "errors", "config", "languages", "dedup", "cluster"}
# What each part of core/ may import besides itself (docs/architecture.md, "What may import what").
ALLOWED = {
    "schema": set(), "errors": set(), "languages": set(), "config": {"errors"}, "dedup": {"schema", "languages"},
    "cluster": {"errors", "__version__"},
    "store": BASE,
    "analysis": BASE,
    "charts": BASE,
    "export": BASE,
    "ingest": BASE | {"store"},
    "actors": BASE | {"store", "analysis"},
    "translate": BASE | {"store", "analysis"},
    "alerts": BASE | {"store", "analysis"},
    "pipeline": BASE | {"store", "ingest", "actors", "translate", "alerts"},
    "monitor": BASE | {"store", "ingest", "pipeline", "__version__"},
    "cli": BASE | {"__version__", "pipeline", "store", "actors", "analysis", "export", "translate", "monitor",
                   "alerts", "cli_sources", "cli_alerts"},
    "cli_sources": BASE | {"monitor", "store"},  # and the watch command
    "cli_alerts": BASE | {"store", "alerts"},
    "__main__": {"cli"},
    "__init__": set(),
}
# The calls that run a stage over the store: only the pipeline chains them.
STAGE_RUNS = {("batch", "ingest"), ("extraction", "run"), ("frames", "prepare_frames"), ("run", "run")}


def _python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (REPO / folder).rglob("*.py"))


def _part(path: Path) -> str:
    """The package (or top-level module) of core/ a file belongs to."""
    return path.relative_to(REPO / "core").with_suffix("").parts[0]


def _core_imports(tree: ast.AST) -> list[tuple[ast.stmt, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("core"):
            parts = node.module.split(".")
            targets = [alias.name for alias in node.names] if len(parts) == 1 else [parts[1]]
            found += [(node, target) for target in targets]
        elif isinstance(node, ast.Import):
            found += [(node, alias.name.split(".")[1]) for alias in node.names
                      if alias.name.startswith("core.")]
    return found


def test_each_part_of_core_imports_only_what_the_architecture_allows():
    offenders = []
    for path in _python_files("core"):
        part = _part(path)
        assert part in ALLOWED, f"{path.relative_to(REPO)}: a new part of core/; add it to docs/architecture.md and here"
        for node, target in _core_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if target != part and target not in ALLOWED[part]:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno} imports core.{target}")
    assert offenders == []


def test_no_project_import_hides_in_a_function_body():
    offenders = []
    for path in _python_files("core", "ui", "pages"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top_level:
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                if any(name.split(".")[0] in ("core", "ui", "pages") for name in names):
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_only_the_pipeline_runs_the_stages_one_after_another():
    """Ingest, extraction, the frames and translation are started from core/pipeline.py alone:
    the command line, the pages and their jobs call the pipeline."""
    offenders = []
    for path in _python_files("core", "ui", "pages") + [REPO / "app.py", REPO / "serve.py"]:
        if path == REPO / "core" / "pipeline.py" or not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and (node.func.value.id, node.func.attr) in STAGE_RUNS:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno} {node.func.value.id}.{node.func.attr}")
    assert offenders == []


@pytest.mark.parametrize("folder", ["core", "ui", "pages"])
def test_no_module_is_over_four_hundred_lines(folder):
    long = {str(p.relative_to(REPO)): n for p in _python_files(folder)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_every_package_says_what_its_stage_takes_and_gives():
    for init in sorted((REPO / "core").glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert len(doc.split()) >= 30, f"{init.relative_to(REPO)}: say what the stage takes, gives, and which module does what"


def _project_imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every import of core, ui or pages in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, name.split(".")[0]) for name in names if name.split(".")[0] in ("core", "ui", "pages")]
    return found


def test_pages_holds_only_the_pages_app_py_lists():
    """The shared Streamlit code lives in ui/; pages/ is the list of ui.navigation.PAGES, which
    app.py declares with st.Page."""
    listed = {path for path, _title, _icon in navigation.PAGES}
    present = {str(p.relative_to(REPO)) for p in (REPO / "pages").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert present == listed
    assert "navigation.PAGES" in (REPO / "app.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("folder, allowed", [("core", {"core"}), ("ui", {"core", "ui"}), ("pages", {"core", "ui"})])
def test_imports_go_one_way_pages_then_ui_then_core(folder, allowed):
    """core never imports ui or pages; ui imports core (the pipeline and the stages), never pages;
    pages import ui and core, never each other. app.py and serve.py run pages by their path."""
    files = _python_files(folder) + ([REPO / "app.py", REPO / "serve.py"] if folder == "pages" else [])
    offenders = [f"{path.relative_to(REPO)}:{line} imports {package}" for path in files
                 for line, package in _project_imports(path) if package not in allowed]
    assert offenders == []


def test_ui_says_what_each_module_does_and_the_import_direction():
    doc = ast.get_docstring(ast.parse((REPO / "ui" / "__init__.py").read_text(encoding="utf-8"))) or ""
    modules = {p.stem for p in (REPO / "ui").glob("*.py")} - {"__init__"}
    assert modules and {m for m in modules if f"``{m}``" not in doc} == set()
    assert "pages" in doc and "core" in doc
