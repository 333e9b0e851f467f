"""Geowire's pipeline and analysis: plain Python and pandas, no Streamlit."""

# The one place the version is written: pyproject.toml reads it from here, `geowire --version`
# prints it.
__version__ = "0.21.0"
