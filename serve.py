"""Start the dashboard ready for its first visitor: ``python serve.py [streamlit run options]``.

It is ``streamlit run app.py`` with two steps before the server answers:

1. the frames every page starts from are read into the server process (``ui.corpus.preload``);
2. every analysis page (and each view of the Timeline) is run once, headless, with the filters a
   new visitor has (none), so that what it computes (charts, story groups, the network) is already
   in the process's caches, and the modules and libraries a page run needs are loaded.

On 100k articles that takes seconds a page, spent once per process instead of by the first person
to open each page. ``streamlit run app.py`` works as well; its first page runs then do this work.
"""
import gc
import ipaddress
import logging
import sys
import time
from pathlib import Path

import streamlit.delta_generator
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest
from streamlit.web import cli

from ui import corpus, memory, navigation

APP = Path(__file__).resolve().parent / "app.py"
# Pages whose default view takes the server more than a moment on a large store, with the tabs
# (widget key, labels) whose other views are opened too.
WARMED_PAGES = {"pages/overview.py": None, "pages/timeline.py": ("timeline_view", navigation.TIMELINE_VIEWS),
                "pages/network.py": None, "pages/sources.py": None}


def warm_pages() -> None:
    """Run each page of WARMED_PAGES once in this process. Streamlit's resource caches (and the
    pages' ``ui.result_cache`` results) belong to the process, so the server's sessions find them.
    AppTest is Streamlit's own headless runner: it runs a page exactly as a session would, without
    a browser. A page that fails here is reported and left to fail (or not) in front of its user."""
    for page, tabs in WARMED_PAGES.items():
        started = time.perf_counter()
        session = AppTest.from_file(str(APP), default_timeout=600)
        session.switch_page(page).run()
        key, labels = tabs or (None, ())
        for label in labels[1:]:
            if not session.exception:
                session.session_state[key] = label  # as a click on the tab does
                session.run()
        problem = "; ".join(str(e.value).splitlines()[0] for e in session.exception)
        print(f"  {page}: {'FAILED: ' + problem if problem else 'ready'} in {time.perf_counter() - started:.1f} s",
              flush=True)


def with_address(argv: list[str]) -> tuple[list[str], str]:
    """The server's options with the address to listen on made explicit, and that address: the
    one given by ``--server.address``, else by Streamlit's configuration (.streamlit/config.toml
    of the folder it is started from, ~/.streamlit/config.toml, STREAMLIT_SERVER_ADDRESS), else
    loopback. Streamlit's own default is every interface, which would put a dashboard without a
    login on the network of whoever starts it from another folder."""
    for position, option in enumerate(argv):
        if option == "--server.address" and position + 1 < len(argv):
            return argv, argv[position + 1]
        if option.startswith("--server.address="):
            return argv, option.split("=", 1)[1]
    configured = streamlit_config.get_option("server.address")
    if configured:
        return argv, configured
    return [*argv, "--server.address", "127.0.0.1"], "127.0.0.1"


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


class _Without(logging.Filter):
    """Drops the log records that contain ``fragment`` (a filter outlives Streamlit resetting its
    loggers' levels whenever it reads its configuration)."""

    def __init__(self, fragment: str):
        super().__init__()
        self.fragment = fragment

    def filter(self, record: logging.LogRecord) -> bool:
        return self.fragment not in record.getMessage()


if __name__ == "__main__":
    # Outside a script run Streamlit warns about every cached call ("missing ScriptRunContext").
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_Without("missing ScriptRunContext"))
    # The warm-up reads Streamlit's configuration before the command line's server options are
    # known; reading them then is not a change to a running server, so its "please restart" is wrong.
    logging.getLogger("streamlit.config").addFilter(_Without("[server] config option section"))
    options, address = with_address(sys.argv[1:])
    if not is_loopback(address):
        print(f"WARNING: the dashboard will listen on {address}, not only on this computer. It has no login: anyone "
              "who can reach that address can read every article, ingest files and change the translation "
              "settings. Serve it behind your team's login proxy (docs/security.md).", file=sys.stderr, flush=True)
    print("Reading the store and preparing each page's first view…", flush=True)
    if corpus.preload():
        warm_pages()
    # Streamlit runs a full garbage collection after every script run, and Python runs its own
    # when allocations pile up: each walked the millions of objects of the frames and the actor
    # dictionary read above (0.15 s a run at 100k articles). They live as long as the process.
    # Collected first: freezing keeps every object tracked now for good, and the warm-up's page
    # runs left their namespaces (a page's functions refer to its globals, its selection among
    # them) as garbage not yet collected, which a freeze without a collection kept alive (~300 MB
    # of a 1M-article server). What the collection frees is then handed back.
    gc.collect()
    gc.freeze()
    memory.hand_back_freed_memory()
    # Streamlit's first element of a process checks whether it runs in a REPL, through
    # inspect.stack() with source context: half a second of the first page. This process is
    # `streamlit run`, never a REPL, so the check (and its warning) is marked done.
    streamlit.delta_generator._use_warning_has_been_displayed = True
    sys.argv = ["streamlit", "run", str(APP), *options]
    sys.exit(cli.main())
