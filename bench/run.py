#!/usr/bin/env python3
"""Mizan's benchmark suite, against PostgreSQL on this machine.

    python3 bench/run.py                      # the full suite (scale 1, 3 runs of 10 s each)
    python3 bench/run.py --scale 0.001 --duration 1 --runs 1 --profile dev   # the smoke run CI makes
    python3 bench/run.py --baseline a52516d   # scenario 6 also against that build, run by run

It builds the service and `mizan-bench`, creates the database `mizan_bench` afresh, loads
the curated dataset and the generated one (timed), measures start-to-ready on SQLite,
then runs each scenario with wrk on loopback (bounded in time, RUNS times, the median
reported), pgbench on the SQL the read scenarios run (same connection count), and the
fixed-JSON ceiling, reading the service's peak RSS after each scenario. With `--baseline
REV`, it also builds that revision (in target/baseline), loads the same scale into a
database of its own with that build's generator, and runs the write scenario (6) against
both builds in turn, run by run. The report goes to bench/results/<name>.md and .json.

Only the standard library; needs wrk, pgbench and psql (Debian: wrk, postgresql-client).
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PORT = 18080
# Scenario 5's queries: "soft power" in Arabic, and "export controls".
SEARCHES = {
    "arabic": "%D8%A7%D9%84%D9%82%D9%88%D8%A9%20%D8%A7%D9%84%D9%86%D8%A7%D8%B9%D9%85%D8%A9",
    "english": "export%20controls",
}
CEILING_PORT = 18090
BASELINE_PORT = 18081


def log(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kwargs).stdout


def psql(server_url, sql):
    return run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", server_url, "-c", sql])


def build_baseline(revision, profile):
    """Builds the service and the generator as they were at `revision`, from `git archive`
    into target/baseline (kept between runs, so a second run builds nothing). Returns the
    folder of its binaries and its source tree."""
    base = ROOT / "target" / "baseline"
    commit = run(["git", "rev-parse", "--verify", f"{revision}^{{commit}}"], cwd=ROOT).strip()
    source = base / commit[:12]
    if not (source / "Cargo.toml").exists():
        source.mkdir(parents=True, exist_ok=True)
        archive = subprocess.Popen(["git", "archive", commit], cwd=ROOT, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(source)], stdin=archive.stdout, check=True)
        if archive.wait() != 0:
            sys.exit(f"git archive {revision} failed")
    target = base / "target"
    run(["cargo", "build", "--profile", profile, "-p", "mizan", "-p", "mizan-bench", "--bins"],
        cwd=source, env={**os.environ, "CARGO_TARGET_DIR": str(target)})
    return target / ("release" if profile == "release" else "debug"), source, commit


def wait_ready(port, timeout=60.0):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=1) as r:
                if r.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"nothing ready on port {port} after {timeout} s")


def http(method, path, headers=None, body=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}", method=method, headers=headers or {}, data=body
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def peak_rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def reset_peak_rss(pid):
    # Writing 5 resets VmHWM to the current RSS (Linux >= 4.0).
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


class Service:
    """The service binary running with `env`, stopped on exit."""

    def __init__(self, binary, env, port=PORT):
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [str(binary), "serve"],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ready_seconds = wait_ready(port)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(url, seconds, threads, connections, headers=(), script=None, env=None):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
           "-s", str(script or BENCH / "wrk" / "report.lua")]
    for header in headers:
        cmd += ["-H", header]
    out = run(cmd + [url], env={**os.environ, "BENCH_WRK_DIR": str(BENCH / "wrk"), **(env or {})})
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def pgbench(database_url, script, seconds, connections):
    """pgbench running `script`: transactions/s and the mean, p50 and p99 of their latencies
    (read from its per-transaction log, in microseconds as wrk's are)."""
    with tempfile.TemporaryDirectory(prefix="mizan-pgbench-") as logs:
        out = run(["pgbench", "-n", "-M", "prepared", f"-c{connections}", "-j2", f"-T{seconds}",
                   "-l", f"--log-prefix={logs}/tx", "-f", str(script), database_url])
        # One line a transaction: client, number, latency in µs, script, epoch, µs.
        latencies = sorted(int(line.split()[2]) for log in Path(logs).glob("tx.*")
                           for line in log.read_text().splitlines())
    tps = re.search(r"tps = ([0-9.]+)", out)
    latency = re.search(r"latency average = ([0-9.]+) ms", out)
    percentile = lambda p: latencies[min(len(latencies) - 1, len(latencies) * p // 100)] if latencies else 0
    return {"tps": float(tps.group(1)), "latency_avg_ms": float(latency.group(1)) if latency else None,
            "p50_us": percentile(50), "p99_us": percentile(99)}


def median_run(runs, measure):
    """Runs `measure` `runs` times, returning the run with the median requests/s, plus all."""
    return median_run_of([measure() for _ in range(runs)])


def paired_runs(runs, measure, limit):
    """Runs `measure` and then `limit`, `runs` times over, returning the median run of each:
    a scenario and its limit in the same minutes, whatever else the machine is doing."""
    results, limits = [], []
    for _ in range(runs):
        results.append(measure())
        limits.append(limit())
    return median_run_of(results), median_run_of(limits)


def median_run_of(results):
    key = "rps" if "rps" in results[0] else "tps"
    ordered = sorted(results, key=lambda r: r[key])
    return {**ordered[len(ordered) // 2], "runs": [r[key] for r in results]}


def postgres_log():
    """PostgreSQL's own log file (Debian's clusters log there), or None."""
    logs = sorted(Path("/var/log/postgresql").glob("postgresql-*-main.log"),
                  key=lambda p: p.stat().st_mtime)
    return logs[-1] if logs else None


STATEMENT = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] \S+ (LOG|DETAIL):  (.*)$")
PARAMETER = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")


def captured_sql(binary, env, database, path, headers):
    """The SQL one request to `path` runs, with its parameters' values, read from
    PostgreSQL's statement log (turned on for the database for the duration)."""
    log_file = postgres_log()
    if log_file is None:
        raise RuntimeError("PostgreSQL's log (/var/log/postgresql/*.log) is needed to capture the SQL")
    psql(database, "ALTER DATABASE mizan_bench SET log_statement = 'all'")
    try:
        service = Service(binary, env)
        offset = log_file.stat().st_size
        status, _, _ = http("GET", path, dict(h.split(": ", 1) for h in headers))
        assert status in (200, 304), f"GET {path}: {status}"
        time.sleep(0.3)
        service.stop()
    finally:
        psql(database, "ALTER DATABASE mizan_bench RESET log_statement")
    with open(log_file, errors="replace") as f:
        f.seek(offset)
        lines = f.read().splitlines()
    statements, current = [], None
    for line in lines:
        match = STATEMENT.match(line)
        if not match:
            if current is not None:
                current["sql"] += "\n" + line.strip()
            continue
        kind, text = match.group(2), match.group(3)
        if kind == "LOG" and text.startswith("execute "):
            current = {"sql": text.split(": ", 1)[1], "params": {}}
            statements.append(current)
        elif kind == "DETAIL" and text.startswith("parameters:") and current is not None:
            current["params"] = {int(n): v for n, v in PARAMETER.findall(text)}
            current = None
        else:
            current = None
    result = []
    for statement in statements:
        sql = statement["sql"].strip()
        if "data_version" in sql:
            # Read once per MIZAN_ETAG_MAX_AGE_MS, not once per request.
            continue
        for n in sorted(statement["params"], reverse=True):
            sql = re.sub(rf"\${n}(?!\d)", lambda _m, v=statement["params"][n]: v, sql)
        result.append(sql)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--profile", default="release", choices=["release", "dev"])
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL, without a database")
    parser.add_argument("--name", default="latest", help="report name under bench/results/")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--baseline", metavar="REV",
                        help="a git revision whose build the write scenario (6) is compared with, run by run")
    args = parser.parse_args()

    for tool in ["wrk", "pgbench", "psql"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed (Debian: apt-get install wrk postgresql-client)")

    log(f"building ({args.profile})")
    run(["cargo", "build", "--profile", args.profile, "-p", "mizan", "-p", "mizan-bench", "--bins"], cwd=ROOT)
    target = ROOT / "target" / ("release" if args.profile == "release" else "debug")
    mizan, helper = target / "mizan", target / "mizan-bench"

    report = {
        "name": args.name, "scale": args.scale, "duration_s": args.duration, "runs": args.runs,
        "connections": args.connections, "threads": args.threads, "profile": args.profile,
        "machine": {"cores": os.cpu_count(), "kernel": os.uname().release},
        "scenarios": {}, "limits": {},
    }
    scratch = Path(tempfile.mkdtemp(prefix="mizan-bench-"))

    log("start to ready on SQLite with the curated dataset")
    sqlite_env = {"DATABASE_URL": f"sqlite://{scratch}/start.sqlite?mode=rwc",
                  "MIZAN_DATA_DIR": str(ROOT / "data"), "MIZAN_BIND": f"127.0.0.1:{PORT}",
                  "MIZAN_LOG": "warn"}
    first = Service(mizan, sqlite_env)
    first.stop()
    again = Service(mizan, sqlite_env)
    again.stop()
    report["start_to_ready_s"] = {"first_start": round(first.ready_seconds, 3),
                                  "restart": round(again.ready_seconds, 3)}

    database = f"{args.server}/mizan_bench"
    log(f"loading scale {args.scale} into {database}")
    psql(f"{args.server}/postgres", "DROP DATABASE IF EXISTS mizan_bench WITH (FORCE)")
    psql(f"{args.server}/postgres", "CREATE DATABASE mizan_bench")
    started = time.monotonic()
    out = run([str(helper), "generate", "--scale", str(args.scale), "--data", str(ROOT / "data")],
              env={**os.environ, "DATABASE_URL": database}, cwd=ROOT)
    report["load"] = {"seconds": round(time.monotonic() - started, 2),
                      **{k: float(v) if "." in v else int(v)
                         for k, v in (line.split("\t") for line in out.splitlines())}}
    psql(database, "VACUUM ANALYZE")

    key = run([str(mizan), "keys", "create", "--name", "bench", "--role", "editor"],
              env={**os.environ, "DATABASE_URL": database})
    key = re.search(r"^key:\s*(\S+)", key, re.M).group(1)
    service_env = {"DATABASE_URL": database, "MIZAN_BIND": f"127.0.0.1:{PORT}",
                   "MIZAN_LOG": "warn", "MIZAN_SEED_ON_START": "false",
                   "MIZAN_RATE_LIMIT_ANONYMOUS": "0", "MIZAN_RATE_LIMIT_KEY": "0"}

    baseline = None
    if args.baseline:
        log(f"building the baseline, {args.baseline} ({args.profile})")
        binaries, source, commit = build_baseline(args.baseline, args.profile)
        base_database = f"{args.server}/mizan_bench_baseline"
        log(f"loading scale {args.scale} into {base_database} with the baseline's generator")
        psql(f"{args.server}/postgres", "DROP DATABASE IF EXISTS mizan_bench_baseline WITH (FORCE)")
        psql(f"{args.server}/postgres", "CREATE DATABASE mizan_bench_baseline")
        run([str(binaries / "mizan-bench"), "generate", "--scale", str(args.scale), "--data", str(source / "data")],
            env={**os.environ, "DATABASE_URL": base_database}, cwd=source)
        psql(base_database, "VACUUM ANALYZE")
        base_key = run([str(binaries / "mizan"), "keys", "create", "--name", "bench", "--role", "editor"],
                       env={**os.environ, "DATABASE_URL": base_database})
        baseline = {"binary": binaries / "mizan", "commit": commit,
                    "key": re.search(r"^key:\s*(\S+)", base_key, re.M).group(1),
                    "env": {**service_env, "DATABASE_URL": base_database,
                            "MIZAN_BIND": f"127.0.0.1:{BASELINE_PORT}"}}
        report["baseline"] = {"revision": args.baseline, "commit": commit}

    depth = max(1, int(500_000 * args.scale))
    cursor = run([str(helper), "cursor", "--metric", "downloads", "--depth", str(depth)],
                 env={**os.environ, "DATABASE_URL": database}).strip()
    claim = f"/v1/claims/bench-claim-{max(0, int(42 * min(args.scale, 1.0)))}"
    # Scenario 7 resumes the change log half way through it.
    events_after = int(psql(database, "SELECT coalesce(max(id), 0) FROM events").strip()) // 2
    service = Service(mizan, service_env)
    status, headers, claim_body = http("GET", claim)
    assert status == 200, f"GET {claim}: {status}"
    etag = headers.get("ETag") or headers.get("etag")
    status, _, deep = http("GET", f"/v1/statistics?metric=downloads&limit=100&cursor={cursor}")
    assert status == 200 and json.loads(deep)["data"], f"the deep cursor: {status} {deep[:200]}"
    report["search_hits"] = {}
    for name, q in SEARCHES.items():
        status, _, body = http("GET", f"/v1/claims?q={q}&count=true&limit=1")
        report["search_hits"][name] = json.loads(body)["total"]
    service.stop()

    scenarios = [
        ("1_models_filtered", "/v1/models?country=CN&openness=open_weights&limit=50", []),
        ("2a_statistics_first_page", "/v1/statistics?metric=downloads&limit=100", []),
        ("2b_statistics_deep_page", f"/v1/statistics?metric=downloads&limit=100&cursor={cursor}", []),
        ("3_claim_with_evidence", claim, []),
        ("4_claim_not_modified", claim, [f"If-None-Match: {etag}"]),
        ("5a_search_arabic", f"/v1/search?q={SEARCHES['arabic']}", []),
        ("5b_search_english", f"/v1/search?q={SEARCHES['english']}", []),
        ("7_events_page", f"/v1/events?after={events_after}&limit=100", []),
    ]

    log("the SQL the read scenarios run, for pgbench")
    # Keyed by the scenario each script is paired with: a search's SQL with that search
    # rendered each time, as the service runs it only then.
    pgbench_scripts = {}
    for name, path, headers in [s for s in scenarios if s[0] != "4_claim_not_modified"]:
        statements = captured_sql(mizan, service_env, database, path, headers)
        script = scratch / f"{name}.sql"
        script.write_text("".join(f"{s.rstrip(';')};\n" for s in statements))
        paired = f"{name}_uncached" if name.startswith("5") else name
        pgbench_scripts[paired] = (name, script, len(statements))

    ceiling = subprocess.Popen([str(helper), "ceiling", "--bytes", str(len(claim_body)),
                                "--bind", f"127.0.0.1:{CEILING_PORT}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{CEILING_PORT}/", timeout=1)
            break
        except OSError:
            time.sleep(0.01)
    # Each limit runs in turn with the scenario it bounds: pgbench on a read scenario's SQL,
    # the fixed-JSON ceiling with the 304s.
    limits = {
        paired: (f"pgbench_{name}", {"statements": count}, lambda script=script: pgbench(
            database, script, args.duration, args.connections))
        for paired, (name, script, count) in pgbench_scripts.items()
    }
    limits["4_claim_not_modified"] = ("fixed_json_ceiling", {"bytes": len(claim_body)}, lambda: wrk(
        f"http://127.0.0.1:{CEILING_PORT}/", args.duration, args.threads, args.connections))

    service = Service(mizan, service_env)
    def scenario(name, path, headers):
        log(f"scenario {name}")
        reset_peak_rss(service.process.pid)
        load = lambda seconds: wrk(f"http://127.0.0.1:{PORT}{path}", seconds, args.threads,
                                   args.connections, headers)
        # Not measured: the pool's connections opened and their statements prepared.
        load(min(2, args.duration))
        measure = lambda: load(args.duration)
        if name in limits:
            limit, extra, run_limit = limits[name]
            result, limit_result = paired_runs(args.runs, measure, run_limit)
            report["limits"][limit] = {**limit_result, **extra}
        else:
            result = median_run(args.runs, measure)
        result["peak_rss_mib"] = round(peak_rss_kib(service.process.pid) / 1024, 1)
        report["scenarios"][name] = result

    try:
        for name, path, headers in scenarios:
            scenario(name, path, headers)
    finally:
        ceiling.send_signal(signal.SIGTERM)
        ceiling.wait(timeout=30)
    service.stop()

    # The searches again with no kept pages: what each search costs when it is rendered.
    service = Service(mizan, {**service_env, "MIZAN_SEARCH_CACHE_BYTES": "0"})
    for name, path, headers in scenarios:
        if name.startswith("5"):
            scenario(f"{name}_uncached", path, headers)
    service.stop()

    # The writes last, so that no read, by the service or by pgbench, runs among the dead
    # rows, the new revisions and the checkpoint they leave behind.
    service = Service(mizan, service_env)
    log("scenario 6_patch_statistic")
    reset_peak_rss(service.process.pid)
    writers = max(1, min(args.connections, 1000, int(1000 * args.scale)))
    patch = lambda port, key: lambda: wrk(
        f"http://127.0.0.1:{port}/", args.duration, writers, writers,
        script=BENCH / "wrk" / "patch.lua", env={"BENCH_KEY": key})
    if baseline:
        # The previous build on its own database, each of its runs right after one of
        # this build's: the same minutes for both.
        previous = Service(baseline["binary"], baseline["env"], port=BASELINE_PORT)
        result, base_result = paired_runs(args.runs, patch(PORT, key), patch(BASELINE_PORT, baseline["key"]))
        previous.stop()
        report["limits"]["6_previous_build"] = {**base_result, "commit": baseline["commit"]}
    else:
        result = median_run(args.runs, patch(PORT, key))
    result["peak_rss_mib"] = round(peak_rss_kib(service.process.pid) / 1024, 1)
    result["connections"] = writers
    report["scenarios"]["6_patch_statistic"] = result
    service.stop()
    report["service_peak_rss_mib"] = max(s["peak_rss_mib"] for s in report["scenarios"].values())

    if not args.keep:
        psql(f"{args.server}/postgres", "DROP DATABASE IF EXISTS mizan_bench WITH (FORCE)")
        psql(f"{args.server}/postgres", "DROP DATABASE IF EXISTS mizan_bench_baseline WITH (FORCE)")
    shutil.rmtree(scratch, ignore_errors=True)

    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    (results / f"{args.name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (results / f"{args.name}.md").write_text(markdown(report))
    print((results / f"{args.name}.md").read_text())


def markdown(report):
    s, limits = report["scenarios"], report["limits"]

    def ratio(a, b):
        return f"{a / b:.0%}" if b else "n/a"

    def paired(scenario, limit):
        """A scenario against its limit: each run against the limit's run that followed it,
        the median of those ratios being the figure (they compare the same minutes), then
        the ratio of the two medians."""
        runs, limit_runs = s[scenario]["runs"], limits[limit]["runs"]
        ratios = sorted(a / b for a, b in zip(runs, limit_runs) if b)
        median = f"{ratios[len(ratios) // 2]:.0%}" if ratios else "n/a"
        return (f"{median} (run by run: {', '.join(ratio(a, b) for a, b in zip(runs, limit_runs))}); "
                f"medians {s[scenario]['rps']:.0f} / {limits[limit].get('tps', limits[limit].get('rps')):.0f}")

    rows = [
        ("1: models filtered, requests/s vs pgbench tps", ">= 50%",
         paired("1_models_filtered", "pgbench_1_models_filtered")),
        ("3: claim with evidence, requests/s vs pgbench tps", ">= 50%",
         paired("3_claim_with_evidence", "pgbench_3_claim_with_evidence")),
        ("2: p99 at the deep cursor vs the first page", "<= 1.5x",
         f"{s['2b_statistics_deep_page']['p99_us'] / 1000:.2f} ms / {s['2a_statistics_first_page']['p99_us'] / 1000:.2f} ms = "
         f"{s['2b_statistics_deep_page']['p99_us'] / max(1, s['2a_statistics_first_page']['p99_us']):.2f}x"),
        ("4: 304, requests/s vs the fixed-JSON ceiling", ">= 50%",
         paired("4_claim_not_modified", "fixed_json_ceiling")),
        ("5: search p99 (Arabic, English), the same search repeated", "< 25 ms",
         f"{s['5a_search_arabic']['p99_us'] / 1000:.2f} ms, {s['5b_search_english']['p99_us'] / 1000:.2f} ms "
         f"({report['search_hits']['arabic']} and {report['search_hits']['english']} matching claims)"),
        ("5: search p99 (Arabic, English), no kept pages: each search rendered", "< 25 ms",
         f"{s['5a_search_arabic_uncached']['p99_us'] / 1000:.2f} ms, "
         f"{s['5b_search_english_uncached']['p99_us'] / 1000:.2f} ms"),
        ("5, each search rendered: the database alone on its SQL (pgbench), p99 (Arabic, English)",
         "the limit",
         f"{limits['pgbench_5a_search_arabic']['p99_us'] / 1000:.2f} ms, "
         f"{limits['pgbench_5b_search_english']['p99_us'] / 1000:.2f} ms. The service's requests/s against "
         f"its transactions/s: Arabic {paired('5a_search_arabic_uncached', 'pgbench_5a_search_arabic')}; "
         f"English {paired('5b_search_english_uncached', 'pgbench_5b_search_english')}"),
        ("7: a page of the change log, requests/s vs pgbench tps", ">= 50%",
         paired("7_events_page", "pgbench_7_events_page")),
        *([(f"6: writes (PATCH, with revision and event), requests/s vs the previous build "
            f"(`{report['baseline']['commit'][:7]}`, its revision only)", ">= 80%",
            paired("6_patch_statistic", "6_previous_build"))] if "6_previous_build" in limits else []),
        ("service peak RSS under load", "< 64 MiB", f"{report['service_peak_rss_mib']} MiB"),
        ("start to ready on SQLite, curated dataset", "< 1 s",
         f"{report['start_to_ready_s']['first_start'] * 1000:.0f} ms first start, "
         f"{report['start_to_ready_s']['restart'] * 1000:.0f} ms restart"),
        ("loading the generated dataset into PostgreSQL", "< 60 s", f"{report['load']['seconds']} s"),
    ]
    lines = [
        f"# Benchmark results: `{report['name']}`",
        "",
        f"Scale {report['scale']} ({report['load'].get('statistics', '?')} statistics, "
        f"{report['load'].get('claims', '?')} claims, {report['load'].get('models', '?')} models); "
        f"{report['runs']} runs of {report['duration_s']} s per scenario, median reported; "
        f"{report['connections']} connections, {report['threads']} wrk threads; build profile "
        f"`{report['profile']}`; {report['machine']['cores']} cores shared by wrk, the service and PostgreSQL.",
        "",
        "| target | goal | measured |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        "",
        "| scenario | requests/s (runs) | p50 | p99 | non-2xx/3xx | peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in s.items():
        lines.append(f"| {name} | {r['rps']:.0f} ({', '.join(f'{x:.0f}' for x in r['runs'])}) | "
                     f"{r['p50_us'] / 1000:.2f} ms | {r['p99_us'] / 1000:.2f} ms | {r['errors_status']} | "
                     f"{r['peak_rss_mib']} MiB |")
    lines += ["", "| limit | per second (runs) | p50 | p99 | note |", "|---|---|---|---|---|"]
    for name, r in limits.items():
        value = r.get("rps", r.get("tps"))
        note = (f"{r['statements']} statement{'s' if r['statements'] != 1 else ''} a transaction"
                if "statements" in r else f"build {r['commit'][:7]}" if "commit" in r
                else f"{r.get('bytes')} bytes")
        lines.append(f"| {name} | {value:.0f} ({', '.join(f'{x:.0f}' for x in r['runs'])}) | "
                     f"{r['p50_us'] / 1000:.2f} ms | {r['p99_us'] / 1000:.2f} ms | {note} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
