"""Geowire's pipeline and analysis: plain Python and pandas, no Streamlit."""
