"""The smallest page of the dashboard's kind, for the benchmark's reference figures: a title, one
sidebar button and one small Plotly bar chart that changes with each press. What its cold start
and its change cost on a machine is what Streamlit and Plotly cost there before Geowire does
anything.

    streamlit run benchmarks/reference_app.py
"""
import plotly.graph_objects as go
import streamlit as st

st.title("Reference")
shift = st.session_state.setdefault("shift", 0)
if st.sidebar.button("Shift the bars"):
    shift = st.session_state["shift"] = shift + 1
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c", "d"], y=[(i + shift) % 4 + 1 for i in range(4)])))
