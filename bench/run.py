"""`make bench`: dialtime next to the clients a user would pick instead, in every language, on
one local server (the emulator, started once as a process), in one run.

Each client (python_clients.py, node_clients.mjs, cpp/bench.cpp, core/examples/bench.rs)
does the same work per call — build the payload, serialize it, POST it over kept-alive
connections, check the answer, parse the JSON, read the id — sequentially and with 64 calls
in flight. Rounds are interleaved; the table shows medians, and for every client its µs/call
divided by dialtime's in the same language and mode (above 1: dialtime is that much faster).
With two or more CPUs the server is pinned to CPU 1 and every client to CPU 0.

    python3 bench/run.py        # after `make python node` and the release builds (make bench)
    BENCH_N=2000 BENCH_ROUNDS=1 BENCH_ONLY='python|node' python3 bench/run.py
    BENCH_ONLY=startup python3 bench/run.py     # only what loading each client costs

Writes build/bench/results.md. Read ratios from one run; absolute µs drift between runs.
"""

import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "bench")
PYTHON = os.path.join(ROOT, "build", "python-venv", "bin", "python")
NODE_PEERS = os.path.join(OUT, "node")
CPP_BENCH = os.path.join(OUT, "cpp-bench")
RUST_BENCH = os.path.join(ROOT, "target", "release", "examples", "bench")
EMULATOR = os.path.join(ROOT, "target", "release", "dialtime-emulator")
CLI = os.path.join(ROOT, "target", "release", "dialtime")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ONLY = re.compile(os.environ.get("BENCH_ONLY", "."))
PINNED = shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2

# (language, family, client, modes, command); the first client of a family is dialtime's,
# the reference of the family's ratios.
PY = [PYTHON, os.path.join(ROOT, "bench", "python_clients.py")]
NODE = ["node", os.path.join(ROOT, "bench", "node_clients.mjs")]
CLIENTS = [
    ("Rust", "Rust", "dialtime Client (async)", ("seq", "conc"), [RUST_BENCH, "dialtime-async"]),
    ("Rust", "Rust", "dialtime BlockingClient", ("seq",), [RUST_BENCH, "dialtime-blocking"]),
    ("Rust", "Rust", "raw reqwest (async)", ("seq", "conc"), [RUST_BENCH, "reqwest"]),
    ("C++", "C++", "dialtime C++", ("seq", "conc"), [CPP_BENCH, "dialtime"]),
    ("C++", "C++", "libcurl + nlohmann::json", ("seq", "conc"), [CPP_BENCH, "libcurl"]),
    ("Python", "Python sync", "dialtime Client", ("seq",), PY + ["dialtime-sync"]),
    ("Python", "Python sync", "requests", ("seq",), PY + ["requests"]),
    ("Python", "Python sync", "httpx", ("seq",), PY + ["httpx"]),
    ("Python", "Python sync", "http.client", ("seq",), PY + ["http.client"]),
    ("Python", "Python asyncio", "dialtime AsyncClient", ("seq", "conc"), PY + ["dialtime-async"]),
    ("Python", "Python asyncio", "aiohttp", ("seq", "conc"), PY + ["aiohttp"]),
    ("Python", "Python asyncio", "httpx.AsyncClient", ("conc",), PY + ["httpx"]),
    ("Python", "Python asyncio", "asyncio alone, no HTTP (floor)", ("seq",), PY + ["asyncio-floor"]),
    ("Node", "Node", "dialtime", ("seq", "conc"), NODE + ["dialtime"]),
    ("Node", "Node", "undici.request", ("seq", "conc"), NODE + ["undici"]),
    ("Node", "Node", "fetch (built-in)", ("seq", "conc"), NODE + ["fetch"]),
    ("Node", "Node", "axios", ("seq", "conc"), NODE + ["axios"]),
    ("Node", "Node", "http.request", ("seq", "conc"), NODE + ["http"]),
]


def quiet(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)


def install_peers():
    """The peers into the build folders (the registries are reachable; a peer that cannot be
    installed is left out of the table, with a note)."""
    notes = []
    r = quiet([PYTHON, "-m", "pip", "install", "--quiet", "requests", "httpx", "aiohttp"])
    if r.returncode != 0:
        notes.append("Python peers not installed: " + r.stderr.strip()[-200:])
    os.makedirs(NODE_PEERS, exist_ok=True)
    if not os.path.exists(os.path.join(NODE_PEERS, "package.json")):
        with open(os.path.join(NODE_PEERS, "package.json"), "w") as f:
            f.write('{"name": "dialtime-bench-peers", "private": true}\n')
    r = quiet(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "undici@7", "axios@1"], cwd=NODE_PEERS)
    if r.returncode != 0:
        notes.append("Node peers not installed: " + r.stderr.strip()[-200:])
    cxx = os.environ.get("CXX", "g++")
    r = quiet(
        [cxx, "-std=c++17", "-O2", "-I", os.path.join(ROOT, "include"), os.path.join(ROOT, "bench", "cpp", "bench.cpp"),
         os.path.join(ROOT, "target", "release", "libdialtime.a"), "-lcurl", "-lpthread", "-ldl", "-lm", "-o", CPP_BENCH]
    )
    if r.returncode != 0:
        notes.append("C++ bench not built (needs libcurl and nlohmann-json headers): " + r.stderr.strip()[-300:])
    return notes


def start_server():
    cmd = ([ "taskset", "-c", "1"] if PINNED else []) + [EMULATOR, "--port", "0"]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    base = server.stdout.readline().strip()
    token = server.stdout.readline().split(":", 1)[1].strip()
    user = server.stdout.readline().split(":", 1)[1].strip()
    return server, {"BENCH_URL": base, "BENCH_TOKEN": token, "BENCH_USER": user}


def run_client(cmd, mode, env):
    cmd = (["taskset", "-c", "0"] if PINNED else []) + cmd + [mode]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    line = next((l for l in r.stdout.splitlines() if l.startswith("RESULT ")), None)
    if r.returncode != 0 or line is None:
        return None, (r.stderr.strip() or r.stdout.strip())[-300:]
    return float(line.split()[3]), None


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = []
    for name, cmd in [("python", [PYTHON, "-V"]), ("node", ["node", "-v"]), ("rustc", ["rustc", "-V"])]:
        try:
            versions.append(subprocess.run(cmd, capture_output=True, text=True).stdout.strip() or name)
        except OSError:
            pass
    return f"{cpu}, {os.cpu_count()} CPUs, Linux {platform.release()}; " + ", ".join(versions)


SCHEDULE_PY = r"""
import datetime as dt, time, dialtime
content = [{"week": 1, "times": [{"begin_time": "08:00", "end_time": "20:00"}, {"begin_time": "20:30", "end_time": "22:00"}]},
           {"week": 3, "times": [{"begin_time": "08:00", "end_time": "12:00"}, {"begin_time": "20:30", "end_time": "22:00"}]}]
s = dialtime.Schedule(content, True)
start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ts = [start + dt.timedelta(seconds=i * 157) for i in range(20000)]
for label, f, items in (("is_open_at", s.is_open_at, ts), ("next_window", s.next_window, ts[:5000])):
    t = time.perf_counter()
    for x in items:
        f(x)
    print("SCHED", label, (time.perf_counter() - t) / len(items) * 1e9)
t = time.perf_counter()
for _ in range(50):
    s.windows(start, start + dt.timedelta(days=365))
print("SCHED windows_year", (time.perf_counter() - t) / 50 * 1e9)
"""

SCHEDULE_JS = r"""
const { Schedule } = require(process.env.BENCH_DIALTIME_NODE)
const content = [{ week: 1, times: [{ begin_time: '08:00', end_time: '20:00' }, { begin_time: '20:30', end_time: '22:00' }] },
                 { week: 3, times: [{ begin_time: '08:00', end_time: '12:00' }, { begin_time: '20:30', end_time: '22:00' }] }]
const s = new Schedule({ content, skip_holiday: true })
const start = Date.parse('2026-01-01T00:00:00+08:00')
const ts = Array.from({ length: 20000 }, (_, i) => new Date(start + i * 157000))
for (const [label, f, items] of [['is_open_at', (d) => s.isOpenAt(d), ts], ['next_window', (d) => s.nextWindow(d), ts.slice(0, 5000)]]) {
  for (const d of items.slice(0, 1000)) f(d)
  const t = process.hrtime.bigint()
  for (const d of items) f(d)
  console.log('SCHED', label, Number(process.hrtime.bigint() - t) / items.length)
}
const from = new Date(start), to = new Date(start + 365 * 86400000)
const t = process.hrtime.bigint()
for (let i = 0; i < 50; i++) s.windows(from, to)
console.log('SCHED windows_year', Number(process.hrtime.bigint() - t) / 50)
"""


def schedule_table():
    """The evaluator's cost per query (the documented group, skipping holidays, through 2026)."""
    env = dict(os.environ, BENCH_DIALTIME_NODE=os.path.join(ROOT, "bindings-node"))
    rows = []
    for lang, cmd in (("Rust", [RUST_BENCH, "schedule"]), ("Python", [PYTHON, "-c", SCHEDULE_PY]),
                      ("Node", ["node", "-e", SCHEDULE_JS])):
        if not ONLY.search(f"{lang} schedule"):
            continue
        cmd = (["taskset", "-c", "0"] if PINNED else []) + cmd
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        got = {l.split()[1]: float(l.split()[2]) for l in r.stdout.splitlines() if l.startswith("SCHED ")}
        if r.returncode != 0 or len(got) != 3:
            rows.append(f"| {lang} | failed: {(r.stderr or r.stdout).strip()[-200:]} | | |")
            continue
        rows.append(f"| {lang} | {got['is_open_at']:,.0f} ns | {got['next_window'] / 1000:,.2f} µs "
                    f"| {got['windows_year'] / 1000:,.0f} µs |")
    if not rows:
        return []
    return ["", "Schedule evaluator (offline; the documented group with `skip_holiday`, instants across 2026):", "",
            "| language | `is_open_at` | `next_window` | a year of `windows` |", "| --- | ---: | ---: | ---: |"] + rows


STARTUP_PY = r"""
import sys, time
t = time.perf_counter()
__import__(sys.argv[1])
print("STARTUP", (time.perf_counter() - t) * 1000)
"""

# Run as a script file, as an application's main module is; Node's first require() of a file
# pays its loader's own start-up, which an application has paid before it loads a client: an
# empty module is required first, only the package timed, by its name from a node_modules
# where each package is linked (as an application resolves it: an "exports" map costs there).
STARTUP_JS = r"""
require(process.argv[2])
const t = process.hrtime.bigint()
require(process.argv[3])
console.log('STARTUP', Number(process.hrtime.bigint() - t) / 1e6)
"""


def startup_table():
    """What loading each client costs a fresh process: `import` / `require()` timed inside the
    process, medians of fresh processes alternating between the packages (the installed
    peers; dialtime from the wheel's venv and from the checkout's addon)."""
    if not ONLY.search("startup"):
        return []
    n = int(os.environ.get("BENCH_STARTUP_N", "25"))
    peers = os.path.join(NODE_PEERS, "node_modules")
    app = os.path.join(OUT, "startup-app")
    shutil.rmtree(app, ignore_errors=True)
    os.makedirs(os.path.join(app, "node_modules"))
    for name, target in (("dialtime", os.path.join(ROOT, "bindings-node")),
                         ("undici", os.path.join(peers, "undici")), ("axios", os.path.join(peers, "axios"))):
        os.symlink(target, os.path.join(app, "node_modules", name))
    script, empty = os.path.join(app, "startup.js"), os.path.join(app, "startup-empty.js")
    with open(script, "w") as f:
        f.write(STARTUP_JS)
    with open(empty, "w") as f:
        f.write("")
    families = [
        ("Python", [(name, [PYTHON, "-c", STARTUP_PY, name]) for name in ("dialtime", "requests", "httpx", "aiohttp")]),
        ("Node", [(name, ["node", script, empty, name]) for name in ("dialtime", "undici", "axios")]),
    ]
    pin = ["taskset", "-c", "0"] if PINNED else []
    lines = ["", "Start-up: `import` / `require()` timed inside a fresh process (Node: a script that requires "
             f"an empty module first, so Node's loader has started, then the package by its name), median of {n} processes alternating between "
             "the packages; **÷ dialtime** above 1: the package costs that many times dialtime's load:", "",
             "| language | package | ms | ÷ dialtime |", "| --- | --- | ---: | ---: |"]
    for lang, packages in families:
        got = {name: [] for name, _ in packages}
        failed = {}
        for _ in range(n):
            for name, cmd in packages:
                if name in failed:
                    continue
                r = subprocess.run(pin + cmd, capture_output=True, text=True, timeout=60)
                line = next((l for l in r.stdout.splitlines() if l.startswith("STARTUP ")), None)
                if r.returncode != 0 or line is None:
                    failed[name] = (r.stderr or r.stdout).strip()[-200:]
                    continue
                got[name].append(float(line.split()[1]))
        ref = statistics.median(got["dialtime"]) if got["dialtime"] else None
        for name, _ in packages:
            if name in failed:
                lines.append(f"| {lang} | {name} | failed: {failed[name]} | |")
                continue
            ms = statistics.median(got[name])
            bold = "**" if name == "dialtime" else ""
            lines.append(f"| {lang} | {name} | {bold}{ms:.2f}{bold} | {ms / ref:.2f} |" if ref else
                         f"| {lang} | {name} | {ms:.2f} | – |")
    return lines


APPLY_PY = r"""
import os, sys, time, dialtime
subs, base = int(sys.argv[1]), sys.argv[2]
client = dialtime.Client(os.environ["BENCH_TOKEN"], base_url=os.environ["BENCH_URL"])
content = [{"week": 1, "times": [{"begin_time": "09:00", "end_time": "18:00"}]}]
t = time.perf_counter()
for i in range(subs):
    for n in range(4):
        client.dial_time_groups.ensure(os.environ["BENCH_USER"], name=f"group{n}", content=content,
                                       is_default=n == 0, skip_holiday=True, sub_user_id=f"{base}-{i:012}")
print("LOOP", time.perf_counter() - t)
"""


def delayed_server(delay_ms):
    """A fresh emulator; with `delay_ms`, every API request is answered that much later (a
    network's round trip: the emulator waits without using its CPU)."""
    server, coords = start_server()
    if delay_ms:
        import json
        import urllib.request

        fault = json.dumps({"delay_ms": delay_ms, "times": 1_000_000}).encode()
        urllib.request.urlopen(urllib.request.Request(f"{coords['BENCH_URL']}/_emulator/faults", data=fault,
                                                      method="POST"), timeout=10).read()
    return server, coords


def apply_cli(subs, delay_ms=0):
    """`dialtime apply` of 4 groups to `subs` new sub-accounts on a fresh emulator: seconds from
    the command's start to its exit."""
    server, coords = delayed_server(delay_ms)
    try:
        env = dict(os.environ, **coords)
        path = os.path.join(OUT, "apply.yaml")
        with open(path, "w") as f:
            f.write(f"accounts:\n  - user_id: {env['BENCH_USER']}\n    sub_users:\n")
            for i in range(subs):
                f.write(f"      - 00000000-0000-4000-8000-{i:012}\n")
            f.write("groups:\n")
            for n in range(4):
                f.write(f"  - name: group{n}\n    content: [{{week: 1, times: [{{begin_time: '09:00', end_time: '18:00'}}]}}]\n"
                        f"    is_default: {'true' if n == 0 else 'false'}\n    skip_holiday: true\n")
        pin = ["taskset", "-c", "0"] if PINNED else []
        cli_env = dict(env, DIALTIME_BASE_URL=env["BENCH_URL"], DIALTIME_TOKEN=env["BENCH_TOKEN"])
        t = time.perf_counter()
        r = subprocess.run(pin + [CLI, "apply", "-f", path], env=cli_env, capture_output=True, text=True, timeout=600)
        seconds = time.perf_counter() - t
        if r.returncode != 0:
            return None, f"`dialtime apply` failed: {(r.stderr or r.stdout).strip()[-200:]}"
        return seconds, None
    finally:
        server.terminate()
        server.wait()


def apply_python(subs, delay_ms=0):
    """The same with a sequential Python loop of `ensure` on a fresh emulator: (seconds from
    the command's start to its exit, seconds of the loop alone)."""
    server, coords = delayed_server(delay_ms)
    try:
        env = dict(os.environ, **coords)
        pin = ["taskset", "-c", "0"] if PINNED else []
        t = time.perf_counter()
        r = subprocess.run(pin + [PYTHON, "-c", APPLY_PY, str(subs), "11111111-1111-4111-8111"], env=env,
                           capture_output=True, text=True, timeout=900)
        seconds = time.perf_counter() - t
        loop = [l for l in r.stdout.splitlines() if l.startswith("LOOP ")]
        if r.returncode != 0 or not loop:
            return None, f"the Python ensure loop failed: {(r.stderr or r.stdout).strip()[-200:]}"
        return (seconds, float(loop[0].split()[1])), None
    finally:
        server.terminate()
        server.wait()


def apply_rounds(subs, rounds, delay_ms):
    """Medians (apply, Python end to end, Python loop alone) of rounds alternating which side
    goes first, each side on a fresh emulator (one that holds other groups makes each list
    slower)."""
    cli, py, loop = [], [], []
    for round_ in range(rounds):
        sides = [apply_cli, apply_python] if round_ % 2 == 0 else [apply_python, apply_cli]
        for side in sides:
            got, error = side(subs, delay_ms)
            if error:
                return None, error
            if side is apply_cli:
                cli.append(got)
            else:
                py.append(got[0])
                loop.append(got[1])
        print(f"  apply round ({delay_ms} ms round trip): dialtime apply {cli[-1]:.3f} s, Python ensure loop "
              f"{py[-1]:.3f} s ({loop[-1]:.3f} s without its start)", file=sys.stderr)
    return (statistics.median(cli), statistics.median(py), statistics.median(loop)), None


def apply_table():
    """`dialtime apply` (8 accounts in flight) against a sequential loop of `ensure` calls, on
    loopback as it is and with a 2 ms round trip added by the emulator."""
    if not ONLY.search("cli apply") or not os.path.exists(CLI):
        return []
    subs = int(os.environ.get("BENCH_SUBS", "200"))
    rounds = max(ROUNDS, 5)
    lines = ["", f"Applying 4 groups to {subs} new sub-accounts ({subs * 4} creates), each from the command's start "
             f"to its exit; medians of rounds alternating which side goes first, each side on a fresh emulator:", "",
             "| client | loopback, seconds | ÷ dialtime apply | 2 ms round trip, seconds | ÷ dialtime apply |",
             "| --- | ---: | ---: | ---: | ---: |"]
    got = {}
    for delay_ms, n in ((0, rounds), (2, 3)):
        medians, error = apply_rounds(subs, n, delay_ms)
        if error:
            return ["", error]
        got[delay_ms] = medians
    (c0, p0, l0), (c2, p2, l2) = got[0], got[2]
    lines += [f"| `dialtime apply` (8 accounts in flight) | **{c0:.3f}** | 1.00 | **{c2:.3f}** | 1.00 |",
              f"| Python: a sequential loop of `ensure` | {p0:.3f} | {p0 / c0:.2f} | {p2:.3f} | {p2 / c2:.2f} |",
              f"| the same loop alone (without Python's start and `import dialtime`) | {l0:.3f} | {l0 / c0:.2f} "
              f"| {l2:.3f} | {l2 / c2:.2f} |",
              "", f"Loopback: {rounds} rounds; 2 ms round trip (the emulator waits 2 ms before answering each API "
              "request, 3–4 ms with the timer's rounding, as a nearby network would): 3 rounds."]
    return lines


def main():
    os.makedirs(OUT, exist_ok=True)
    notes = install_peers()
    server, coords = start_server()
    env = dict(os.environ, **coords, BENCH_NODE_MODULES=os.path.join(NODE_PEERS, "node_modules"),
               BENCH_DIALTIME_NODE=os.path.join(ROOT, "bindings-node"))
    runs = [(lang, fam, name, mode, cmd) for lang, fam, name, modes, cmd in CLIENTS for mode in modes
            if ONLY.search(f"{lang} {name}")]
    times = {}
    failed = {}
    try:
        for round_ in range(ROUNDS):
            for lang, fam, name, mode, cmd in runs:
                if (fam, name, mode) in failed:
                    continue
                us, error = run_client(cmd, mode, env)
                if us is None:
                    failed[(fam, name, mode)] = error
                    print(f"  {name} ({mode}) failed: {error}", file=sys.stderr)
                    continue
                times.setdefault((fam, name, mode), []).append(us)
                print(f"  round {round_ + 1}: {fam:<15} {name:<26} {mode:<4} {us:9.1f} µs/call", file=sys.stderr)
    finally:
        server.terminate()
        server.wait()
    applied = apply_table()

    median = {k: statistics.median(v) for k, v in times.items()}
    reference = {}
    for lang, fam, name, modes, cmd in CLIENTS:
        for mode in modes:
            reference.setdefault((fam, mode), (fam, name, mode))
    n = os.environ.get("BENCH_N", "5000")
    conc = os.environ.get("BENCH_CONC", "64")
    lines = [
        f"Measured {datetime.date.today().isoformat()} by `make bench` on {machine()}.",
        f"Server: the emulator (one process{', pinned to CPU 1; clients on CPU 0' if PINNED else ''}). "
        f"{n} calls per client and mode, median of {ROUNDS} interleaved rounds. "
        "**÷ dialtime**: the client's µs/call divided by dialtime's in the same language and mode "
        "(above 1: dialtime is that much faster).",
        "",
        f"| language | client | sequential µs/call | ÷ dialtime | {conc} in flight µs/call | ÷ dialtime |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for lang, fam, name, modes, cmd in CLIENTS:
        cells = []
        for mode in ("seq", "conc"):
            us = median.get((fam, name, mode))
            ref = median.get(reference.get((fam, mode), ()))
            if us is None:
                cells += ["–", "–"]
            else:
                bold = "**" if reference.get((fam, mode)) == (fam, name, mode) else ""
                cells += [f"{bold}{us:,.1f}{bold}", f"{us / ref:.2f}" if ref else "–"]
        if any(c != "–" for c in cells):
            lines.append(f"| {fam} | {name} | " + " | ".join(cells) + " |")
    for (fam, name, mode), error in failed.items():
        notes.append(f"{fam} {name} ({mode}) failed: {error}")
    lines += schedule_table()
    lines += applied
    lines += startup_table()
    lines += [""] + [f"Note: {n}" for n in notes]
    table = "\n".join(lines).rstrip() + "\n"
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(table)
    print(table)


if __name__ == "__main__":
    main()
