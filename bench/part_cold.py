"""The cold part: ``streamlit run app.py`` in a fresh process until /_stcore/health answers, then
one websocket session until the first page's script run finishes."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from common import (
    _streamlit_server,
    _wait_ready,
    fmt_mib,
    fmt_s,
    median,
    progress,
    table,
    vm_hwm,
)


async def _first_page(port: int, query_string: str, timeout: float) -> tuple[float, int, str | None]:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, open_timeout=30) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query_string
        msg.rerun_script.page_script_hash = ""
        await ws.send(msg.SerializeToString())
        received = 0
        error = None
        deadline = time.perf_counter() + timeout
        while True:
            data = await asyncio.wait_for(ws.recv(), timeout=max(0.1, deadline - time.perf_counter()))
            received += len(data)
            fm = ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element" and \
                    fm.delta.new_element.WhichOneof("type") == "exception" and error is None:
                error = fm.delta.new_element.exception.message[:300]
            if kind == "script_finished" and fm.script_finished != \
                    ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN:
                return time.perf_counter(), received, error


def bench_cold_start(db: Path, query_string: str, timeout: float, label: str) -> dict:
    """``streamlit run app.py`` in a fresh process: server ready, then the first page rendered."""
    out: dict = {"query_string": query_string, "timeout_s": timeout}
    with _streamlit_server(db, label) as (port, proc, started):
        ready = _wait_ready(port, started)
        if ready is not None:
            out["server_ready_s"] = ready
            try:
                done, received, error = asyncio.run(_first_page(port, query_string, timeout))
                out["first_page_s"] = done - started
                out["first_page_bytes"] = received
                if error:
                    out["error"] = f"the page raised: {error}"
            except TimeoutError:
                out["first_page_s"] = None
                out["timed_out"] = True
            except Exception as exc:  # noqa: BLE001 - report, don't crash the benchmark
                out["error"] = repr(exc)
        out["peak_rss"] = vm_hwm(proc.pid)
    return out


def cold_starts(db: Path, query_string: str, timeout: float, label: str, runs: int) -> dict:
    """Several cold starts (medians); stops repeating once one fails or hits the time limit."""
    done = []
    for i in range(runs):
        one = bench_cold_start(db, query_string, timeout, f"{label}-{i}")
        done.append(one)
        if one.get("timed_out") or one.get("error") or not one.get("first_page_s"):
            break
    ok = [d for d in done if d.get("first_page_s") and not d.get("error")]
    return {"query_string": query_string, "timeout_s": timeout, "runs": done, "n": len(ok),
            "server_ready_s": median([d["server_ready_s"] for d in done if d.get("server_ready_s")]),
            "first_page_s": median([d["first_page_s"] for d in ok]),
            "timed_out": any(d.get("timed_out") for d in done),
            "error": next((d["error"] for d in done if d.get("error")), None),
            "peak_rss": max((d.get("peak_rss") or 0 for d in done), default=0)}


def run(a, s) -> dict:
    """The part at one scale: the overview without a filter and with the narrow URL."""
    progress(f"{s.label} cold start (streamlit run)")
    qs = f"year={s.narrow['year']}&program={s.narrow['program']}"
    return {"cold_start": {
        "overview, no filter": cold_starts(s.db, "", s.timeout, f"{s.label}-default", a.runs),
        "overview, narrow URL": cold_starts(s.db, qs, s.timeout, f"{s.label}-narrow", a.runs),
    }}


def report(results: dict, label: str, res: dict) -> tuple[list[str], list[str]]:
    lines: list[str] = []
    verdicts: list[str] = []
    cold = res.get("cold_start")
    if cold:
        lines += ["", f"COLD START · {label}: `streamlit run app.py` in a fresh process until "
                      "/_stcore/health "
                      "answers, then one websocket session until the first page's script run finishes "
                      "(times from process start)"]
        rows, errors = [], []
        for name, c in cold.items():
            if c.get("first_page_s"):
                first = f"{fmt_s(c['first_page_s'])} (n={c['n']})"
            elif c.get("timed_out"):
                first = f">{c['timeout_s']:.0f} s after ready"
            else:
                first = c.get("error", "—")
            rows.append([name, c["query_string"] or "(none)", fmt_s(c.get("server_ready_s")), first,
                         fmt_mib(c.get("peak_rss"))])
            if c.get("error"):
                rows[-1][3] += " — ERROR"
                errors.append(f"  ! cold start {name}: {c['error']}")
        lines.append(table(["first page", "URL query", "server ready", "first page done",
                            "server peak RSS"], rows))
        lines += errors
    return lines, verdicts
