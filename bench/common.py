"""What every part of the benchmark shares: where its files go, the child processes that measure
(each part runs in its own, see bench/run.py), the report's number formats and tables, a
Streamlit server and Chromium launched one way."""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import json
import os
import platform
import queue
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import generate as gen

ROOT = gen.ROOT
APP = ROOT / "serve.py"  # app.py as served (lib/web/base_url.py)
# results and logs (bench/run.py --out, passed on to the child processes); the datasets stay in gen.OUT
OUT = Path(os.environ.get("JIXIAO_BENCH_OUT") or gen.OUT)
RUN = Path(__file__).with_name("run.py")  # the one entry point, which a child process runs too
MARK = "@@BENCH "  # prefix of the JSON lines a child reports on stdout


# =================================================================================== helpers
def app_pages() -> list[str]:
    """The app's pages, in navigation order (app.py builds its list from lib.labels.PAGES)."""
    from lib.labels import PAGES

    return [name for name in PAGES if (ROOT / "pages" / f"{name}.py").exists()]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def fmt_s(x: float | None) -> str:
    if x is None:
        return "—"
    if x < 1:
        return f"{x * 1000:.0f} ms"
    return f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def fmt_ratio(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}×" if x < 10 else f"{x:.0f}×"


def fmt_load(load: list[float] | tuple[float, ...] | None) -> str:
    return " / ".join(f"{x:.1f}" for x in load) + " (1 / 5 / 15 min)" if load else "—"


def fmt_mib(n: int | None) -> str:
    return "—" if not n else f"{n / 2**20:,.0f} MiB"


def emit(event: str, **data) -> None:
    """A child's report line."""
    sys.stdout.write(MARK + json.dumps({"event": event, **data}, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def maxrss_bytes() -> int:
    """This process's peak RSS since it started: VmHWM. Not getrusage's ru_maxrss, which Linux
    keeps across execve, so a child forked from this script after it generated a 10M dataset
    would report the generator's peak as its own."""
    return _proc_status("self", "VmHWM:") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _proc_status(pid: int | str, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def vm_hwm(pid: int) -> int | None:
    """Peak resident set size of a running process (Linux), in bytes."""
    return _proc_status(pid, "VmHWM:")


def vm_rss(pid: int) -> int | None:
    """Current resident set size of a running process (Linux), in bytes."""
    return _proc_status(pid, "VmRSS:")


def rss_now() -> int:
    return vm_rss("self") or 0


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    versions = {}
    for name in ("streamlit", "duckdb", "pandas", "pyarrow", "openpyxl", "python-calamine"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        revision = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                                  text=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        revision = "unknown"
    return {"nproc": os.cpu_count(), "mem_bytes": mem, "cpu": cpu, "python": platform.python_version(),
            "revision": revision,
            "platform": platform.platform(), "load_avg": os.getloadavg(), "versions": versions}


class Child:
    """A child process of this script (``--child MODE``) whose JSON lines are collected.

    Stops the child after ``deadline`` seconds or when its resident memory passes ``rss_cap``
    bytes (the machine is shared: a 10M-row page must not take it down); tracks its peak RSS.
    """

    def __init__(self, mode: str, args: list[str], deadline: float, env: dict | None = None,
                 stdin_data: str | None = None, log_name: str = "child", rss_cap: int = 16 * 2**30):
        self.mode = mode
        self.events: list[dict] = []
        self.peak_rss = 0
        self.timed_out = False
        self.memory_stopped = False
        logs = OUT / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.log_path = logs / f"{log_name}.log"
        started = time.perf_counter()
        with open(self.log_path, "w", encoding="utf-8") as log:
            proc = subprocess.Popen(
                [sys.executable, str(RUN), "--child", mode, *args],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, encoding="utf-8",
                env={**os.environ, **(env or {})}, cwd=str(ROOT))
            lines: queue.Queue = queue.Queue()

            def pump() -> None:
                for line in proc.stdout:
                    lines.put(line)
                lines.put(None)

            reader = threading.Thread(target=pump, daemon=True)
            reader.start()
            if stdin_data is not None:
                proc.stdin.write(stdin_data)
            proc.stdin.close()
            finished = False
            while not finished:
                try:
                    line = lines.get(timeout=0.2)
                except queue.Empty:
                    line = ""
                if line is None:
                    finished = True
                elif line.startswith(MARK):
                    event = json.loads(line[len(MARK):])
                    event["t_recv"] = time.perf_counter() - started
                    self.events.append(event)
                self.peak_rss = max(self.peak_rss, vm_hwm(proc.pid) or 0)
                over_memory = (vm_rss(proc.pid) or 0) > rss_cap
                if not finished and (over_memory or time.perf_counter() - started > deadline):
                    self.timed_out = not over_memory
                    self.memory_stopped = over_memory
                    proc.kill()  # our own child, by its handle
                    finished = True
            proc.wait()
            reader.join(timeout=5)
        self.returncode = proc.returncode
        self.seconds = time.perf_counter() - started
        for event in self.events:
            if event.get("maxrss"):
                self.peak_rss = max(self.peak_rss, int(event["maxrss"]))

    def of(self, event: str) -> list[dict]:
        return [e for e in self.events if e["event"] == event]

    @property
    def error(self) -> str | None:
        """Why the child failed, when it did not finish and was not stopped at a limit: its exit
        status and the last line it wrote to its log (a traceback ends with the exception)."""
        if self.returncode == 0 or self.timed_out or self.memory_stopped:
            return None
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        lines = [x for x in text.splitlines() if x.strip()]
        last = lines[-1].strip() if lines else "no output"
        return f"the {self.mode} process failed (exit {self.returncode}): {last}; see {self.log_path}"


def progress(text: str) -> None:
    print(f"… {text}", file=sys.stderr, flush=True)


def relation_to_pandas(rel):
    """A DuckDB relation → Arrow → pandas: the alternative to ``.df()`` measured as "raw→arrow→pd".

    DECIMAL columns are cast to DOUBLE inside DuckDB (so the floats equal what ``.df()`` gives;
    Arrow's own decimal cast can be off by one ulp) and dates come back as datetime64, as with
    ``.df()``. Remaining dtype differences: nullable integers arrive as float64 (``.df()``: Int32)
    and all-NULL text columns as str (``.df()``: object).
    """
    columns = []
    for name, type_ in zip(rel.columns, rel.types, strict=True):
        quoted = '"' + name.replace('"', '""') + '"'
        decimal = str(type_).startswith("DECIMAL")
        columns.append(f"CAST({quoted} AS DOUBLE) AS {quoted}" if decimal else quoted)
    return rel.project(", ".join(columns)).to_arrow_table().to_pandas(date_as_object=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _streamlit_server(db: Path, label: str, app: Path | None = None, launcher: list[str] | None = None,
                      env: dict[str, str] | None = None):
    """``streamlit run app.py`` (or ``app``) on the database; yields (port, process, start time)
    once the process runs (not yet ready); stops it on exit. ``launcher``: the command that takes
    ``run``'s arguments in place of ``python -m streamlit run`` (bench/gc_pauses.py's wrapper);
    ``env``: more environment variables for the server."""
    port = free_port()
    logs = OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = open(logs / f"server-{label}.log", "w", encoding="utf-8")
    started = time.perf_counter()
    launcher = launcher or [sys.executable, "-m", "streamlit", "run"]
    proc = subprocess.Popen(
        [*launcher, str(app or APP), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        env={**os.environ, "JIXIAO_DB": str(db), **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
        cwd=str(ROOT))
    try:
        yield port, proc, started
    finally:
        proc.terminate()  # our own child
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_ready(port: int, started: float, limit: float = 60) -> float | None:
    """Seconds from ``started`` until /_stcore/health answers (None: not within ``limit``)."""
    while time.perf_counter() - started < limit:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read()
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    return None


CHROMIUM = "/usr/bin/chromium"
# no sandbox (root in a container), no GPU, nothing the browser would fetch for itself mid-run
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch_chromium(pw):
    """Debian's Chromium through Playwright, as every browser measurement here launches it."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def narrow_filter(db: Path) -> dict:
    """Year + program: a program of median size in the latest year (what a leader bookmarks)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT p.year, p.program_id, COUNT(*) AS n FROM programs p JOIN projects j USING (program_id) "
            "WHERE p.year = (SELECT MAX(year) FROM programs) GROUP BY ALL ORDER BY n, p.program_id"
        ).fetchall()
        year, program_id, n_projects = rows[len(rows) // 2]
        n_ind = con.execute("SELECT COUNT(*) FROM indicators WHERE program_id = ?",
                            [program_id]).fetchone()[0]
        n_year = con.execute("SELECT COUNT(*) FROM v_indicators WHERE year = ?", [year]).fetchone()[0]
        first_year = con.execute("SELECT MIN(year) FROM programs").fetchone()[0]
    finally:
        con.close()
    return {"year": int(year), "program": program_id, "projects": int(n_projects), "indicators": int(n_ind),
            "year_indicators": int(n_year), "first_year": int(first_year)}


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(h), *(_width(r[i]) for r in rows)) if rows else _width(h)
              for i, h in enumerate(headers)]
    line = "  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 and ch != "×" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
