"""The Streamlit code the pages share (pages → ui → core): the Plotly view, the filter bar's
"not applied yet" note and the background jobs, until pages/common.py is split in here too."""
