"""Opening the dashboard's pages in Streamlit's headless runner, for the tests that look at what
a page shows."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def opened(page: str = "pages/overview.py", timeout: float = 300, **query) -> AppTest:
    """The app opened at ``page`` with ``query`` in its URL, run without an exception."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
