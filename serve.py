"""Start the dashboard with the store already read: ``python serve.py [streamlit run options]``.

It is ``streamlit run app.py`` with one step before the server starts: the frames every page
starts from are read into the server process (``pages.common.preload``), so that the first page
opened does not spend seconds reading them on a large store. The server answers once they are
read. ``streamlit run app.py`` works as well; its first page then does the reading.
"""
import gc
import logging
import sys
from pathlib import Path

import streamlit.delta_generator
from streamlit.web import cli

from pages import common

if __name__ == "__main__":
    # Outside a script run Streamlit warns about every cached call ("missing ScriptRunContext").
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    common.preload()
    # Streamlit runs a full garbage collection after every script run, and Python runs its own
    # when allocations pile up: each walked the millions of objects of the frames and the actor
    # dictionary read above (0.15 s a run at 100k articles). They live as long as the process.
    gc.freeze()
    # Streamlit's first element of a process checks whether it runs in a REPL, through
    # inspect.stack() with source context: half a second of the first page. This process is
    # `streamlit run`, never a REPL, so the check (and its warning) is marked done.
    streamlit.delta_generator._use_warning_has_been_displayed = True
    sys.argv = ["streamlit", "run", str(Path(__file__).resolve().parent / "app.py"), *sys.argv[1:]]
    sys.exit(cli.main())
