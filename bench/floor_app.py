"""The floor of the browser benchmark: a bare Streamlit page as plain as a dashboard page can be —
a title, four metrics, one plotly chart and a 1,000-row table, from data made in memory. No page
of ours can draw faster than Streamlit draws this on the same machine in the same run, so each
page's browser time is reported as a ratio to it."""

import random

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.title("基准页")
rng = random.Random(7)
frame = pd.DataFrame({
    "项目": [f"项目{i:04d}" for i in range(1000)],
    "预算数": [round(rng.uniform(10, 5000), 2) for _ in range(1000)],
    "执行数": [round(rng.uniform(5, 5000), 2) for _ in range(1000)],
})
frame["执行率"] = frame["执行数"] / frame["预算数"]
c1, c2, c3, c4 = st.columns(4)
c1.metric("预算总额（万元）", f"{frame['预算数'].sum():,.2f}", border=True)
c2.metric("执行数（万元）", f"{frame['执行数'].sum():,.2f}", border=True)
c3.metric("执行率", f"{frame['执行数'].sum() / frame['预算数'].sum():.2%}", border=True)
c4.metric("项目数", f"{len(frame):,} 个", border=True)
top = frame.nlargest(12, "预算数")
st.plotly_chart(go.Figure([go.Bar(x=top["项目"], y=top["预算数"], name="预算数"),
                           go.Bar(x=top["项目"], y=top["执行数"], name="执行数")]), key="floor_chart")
st.dataframe(frame, hide_index=True)
