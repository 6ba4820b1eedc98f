"""`make bench`: our bot against Rasa's starter bot (`rasa init`), same load, one run, one machine.

For each bot: cold `rasa train` time, start-to-ready time, then 1, 10 and 50 concurrent users each
sending a bounded number of REST messages with no think time (p50/p95/p99 latency, messages/s,
errors), then the resident memory of the Rasa server and of the action server. Writes
bench/results.md and prints the same table. Not part of CI (it takes several minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import aiohttp

from bot.paths import ROOT
from ops.ports import free_port

WORK = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results.md"
RASA = str(Path(sys.executable).with_name("rasa"))
LEVELS = ((1, 96), (10, 60), (50, 24))  # (concurrent users, messages per user)
CONVERSATION_TURNS = 12
BASELINE_MESSAGES = ["hello", "I am feeling sad", "yes", "great, thanks", "are you a bot?", "bye"]
GENERAL_MESSAGES = ["can I switch to tablets?", "what are the side effects of b12 injections?",
                    "is more b12 better?", "what does weekly mean?"]
PLAN_MESSAGES = ["how long am I on weekly shots?", "when is my next injection?",
                 "when is my next blood test?", "when do I switch to monthly?", "show me my plan"]
DEMO_PATIENTS = ("MRN-1001", "MRN-1002", "MRN-1003", "MRN-1004")


@dataclass
class LevelResult:
    users: int
    messages: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    plan_latencies: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def throughput(self) -> float:
        return (self.messages - self.errors) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MB)."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pids.extend(int(c) for c in children)
        except (OSError, StopIteration):
            continue
    return total / 1024


async def run_level(url: str, users: int, per_user: int, make_messages) -> LevelResult:
    result = LevelResult(users, users * per_user, 0.0)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def user(index: int) -> None:
            for n, (text, metadata, is_plan) in enumerate(make_messages(index, per_user)):
                if n % CONVERSATION_TURNS == 0:  # a patient's chat is a dozen turns, then a new one starts
                    sender = f"bench-{uuid.uuid4().hex[:10]}"
                started = time.perf_counter()
                try:
                    async with session.post(f"{url}/webhooks/rest/webhook",
                                            json={"sender": sender, "message": text, "metadata": metadata}) as r:
                        body = await r.json()
                        if r.status != 200 or not body:
                            result.errors += 1
                            continue
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    result.errors += 1
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                result.latencies.append(elapsed)
                if is_plan:
                    result.plan_latencies.append(elapsed)

        started = time.perf_counter()
        await asyncio.gather(*(user(i) for i in range(users)))
        result.seconds = time.perf_counter() - started
    return result


def baseline_messages(index: int, count: int):
    for n in range(count):
        yield BASELINE_MESSAGES[(index + n) % len(BASELINE_MESSAGES)], {}, False


def our_messages(tokens: dict[str, str]):
    def make(index: int, count: int):
        reference = DEMO_PATIENTS[index % len(DEMO_PATIENTS)]
        metadata = {"patient_token": tokens[reference], "client_key": uuid.uuid4().hex}
        for n in range(count):
            if n % 4 == 3:  # a quarter general questions, the rest plan questions
                yield GENERAL_MESSAGES[(index + n) % len(GENERAL_MESSAGES)], metadata, False
            else:
                yield PLAN_MESSAGES[(index + n) % len(PLAN_MESSAGES)], metadata, True
    return make


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    started = time.monotonic()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def prepare_baseline() -> tuple[Path, float]:
    """Rasa's starter bot in var/bench/starter, trained once (cached with its measured train time)."""
    project = WORK / "starter"
    cache = WORK / "starter-train.json"
    models = sorted(project.glob("models/*.tar.gz"))
    if models and cache.exists():
        return models[-1], json.loads(cache.read_text())["train_seconds"]
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    print("Creating Rasa's starter bot (rasa init --no-prompt) ...", flush=True)
    subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(project)], cwd=project, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for old in project.glob("models/*.tar.gz"):
        old.unlink()
    print("Training the starter bot (cold) ...", flush=True)
    seconds = timed([RASA, "train", "--fixed-model-name", "starter"], project)
    cache.write_text(json.dumps({"train_seconds": seconds}))
    return next(project.glob("models/*.tar.gz")), seconds


def cold_train_ours() -> float:
    out = WORK / "ours-cold"
    shutil.rmtree(out, ignore_errors=True)
    print("Training our bot (cold, into var/bench/ours-cold) ...", flush=True)
    from ops.training import TRAINING_DATA

    return timed([RASA, "train", "--config", "config.yml", "--domain", "domain.yml", "--data", *TRAINING_DATA,
                  "--out", str(out)], ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def bench_baseline(model: Path) -> dict:
    from ops.stack import Server

    port = free_port()
    server = Server("starter", [RASA, "run", "--model", str(model), "--port", str(port)],
                    f"http://127.0.0.1:{port}/", WORK / "starter.log", cwd=model.parent.parent)
    actions = None
    started = time.monotonic()
    server.start({**os.environ})
    try:
        while not server.is_ready():
            if server.process.poll() is not None:
                raise RuntimeError(server.log_tail())
            time.sleep(0.2)
        ready = time.monotonic() - started
        levels = [asyncio.run(run_level(f"http://127.0.0.1:{port}", u, n, baseline_messages)) for u, n in LEVELS]
        return {"ready": ready, "levels": levels, "rasa_rss": rss_mb(server.process.pid), "actions_rss": actions}
    finally:
        server.stop()


async def soak_level(url: str, users: int, seconds: float, make_messages) -> LevelResult:
    """`users` conversations sending back-to-back until `seconds` have passed (each user restarts its
    message mix with a new conversation when it runs out)."""
    result = LevelResult(users, 0, 0.0)
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def user(index: int) -> None:
            while time.perf_counter() < deadline:
                sender = f"soak-{uuid.uuid4().hex[:10]}"
                for text, metadata, _ in make_messages(index, 12):
                    if time.perf_counter() >= deadline:
                        return
                    started = time.perf_counter()
                    result.messages += 1
                    try:
                        async with session.post(f"{url}/webhooks/rest/webhook",
                                                json={"sender": sender, "message": text, "metadata": metadata}) as r:
                            if r.status != 200 or not await r.json():
                                result.errors += 1
                                continue
                    except (aiohttp.ClientError, asyncio.TimeoutError):
                        result.errors += 1
                        continue
                    result.latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(user(i) for i in range(users)))
        result.seconds = time.perf_counter() - started
    return result


SCALED_DATABASES = ("b12_bench_plans", "b12_bench_tracker")


def bench_ours(soak_seconds: float = 0, scaled: bool = False) -> dict:
    """Our bot in its embedded configuration (SQLite, in-memory lock), or with `scaled` as one replica
    of the scale-out configuration (plans and tracker in the local PostgreSQL, lock store in Redis)."""
    from bot.identity import issue_token
    from ops.scaled import DEFAULT_SERVER, drop_database, ensure_database
    from ops.stack import start_stack

    workdir = WORK / "ours"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    if scaled:
        for name in SCALED_DATABASES:
            drop_database(DEFAULT_SERVER, name)
        database_url, tracker_url = (ensure_database(DEFAULT_SERVER, name) for name in SCALED_DATABASES)
        stores = {"TRACKER_STORE_URL": tracker_url, "LOCK_STORE_URL": "redis://127.0.0.1:6379/0",
                  "LOCK_STORE_PREFIX": "b12-bench"}
    else:
        database_url = f"sqlite:///{workdir / 'plans.db'}"
        stores = {"TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}"}
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    for args in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    started = time.monotonic()
    stack = start_stack(rasa_port=free_port(), actions_port=free_port(), web_port=None, database_url=database_url,
                        env=stores, log_dir=workdir / "logs")
    try:
        ready = time.monotonic() - started
        tokens = {ref: issue_token(ref, minutes=120) for ref in DEMO_PATIENTS}
        if soak_seconds:
            return {"soak": asyncio.run(soak_level(stack.rasa_url, 50, soak_seconds, our_messages(tokens))),
                    "rasa_rss": rss_mb(stack.server("rasa").process.pid)}
        levels = [asyncio.run(run_level(stack.rasa_url, u, n, our_messages(tokens))) for u, n in LEVELS]
        return {"ready": ready, "levels": levels, "rasa_rss": rss_mb(stack.server("rasa").process.pid),
                "actions_rss": rss_mb(stack.server("actions").process.pid)}
    finally:
        stack.stop()
        if scaled:
            for name in SCALED_DATABASES:
                drop_database(DEFAULT_SERVER, name)


def scaled_table(embedded: dict, scaled: dict) -> str:
    lines = ["| load | embedded: msg/s | one scale-out replica: msg/s | ratio | embedded p95 (ms) | "
             "replica p95 (ms) | errors |", "|---|---:|---:|---:|---:|---:|---:|"]
    for e, s in zip(embedded["levels"], scaled["levels"], strict=True):
        lines.append(f"| {e.users} user{'s' if e.users > 1 else ''} | {e.throughput:.1f} | {s.throughput:.1f} | "
                     f"{s.throughput / e.throughput:.2f}× | {percentile(e.latencies, 95):.0f} | "
                     f"{percentile(s.latencies, 95):.0f} | {e.errors + s.errors} |")
    return "\n".join(lines)


def fmt(value: float | int | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if isinstance(value, int) else f"{value:.1f}"


def table(ours: dict, base: dict) -> str:
    rows = [("cold `rasa train` (s)", ours["train"], base["train"]),
            ("start to ready (s)", ours["ready"], base["ready"])]
    for o, b in zip(ours["levels"], base["levels"], strict=True):
        label = f"{o.users} user{'s' if o.users > 1 else ''}"
        if o.users == 1:
            for q in (50, 95):
                rows.append((f"{label}: plan-question p{q} (ms)", percentile(o.plan_latencies, q),
                             percentile(b.latencies, q)))
        rows += [(f"{label}: p50 (ms)", percentile(o.latencies, 50), percentile(b.latencies, 50)),
                 (f"{label}: p95 (ms)", percentile(o.latencies, 95), percentile(b.latencies, 95)),
                 (f"{label}: p99 (ms)", percentile(o.latencies, 99), percentile(b.latencies, 99)),
                 (f"{label}: throughput (msg/s)", o.throughput, b.throughput),
                 (f"{label}: errors", o.errors, b.errors)]
    rows += [("Rasa server RSS after load (MB)", ours["rasa_rss"], base["rasa_rss"]),
             ("action server RSS after load (MB)", ours["actions_rss"], None)]
    lines = ["| measure | B12 Guide | starter bot (baseline) | ratio (ours / baseline) |", "|---|---:|---:|---:|"]
    for name, o, b in rows:
        ratio = f"{o / b:.2f}×" if isinstance(b, (int, float)) and b and o is not None else "—"
        lines.append(f"| {name} | {fmt(o)} | {fmt(b)} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-cold-train", action="store_true", help="reuse the last measured train times")
    parser.add_argument("--soak", type=float, default=0, metavar="SECONDS",
                        help="only a soak test: 50 users against our bot for SECONDS (e.g. 300)")
    parser.add_argument("--scaled-config", action="store_true",
                        help="only our bot: the embedded configuration against one replica of the scale-out "
                             "configuration (PostgreSQL + Redis), written to bench/scaled.md")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.scaled_config:
        text = (f"# One replica of the scale-out configuration\n\nRun {date.today().isoformat()} on this machine "
                f"({os.cpu_count()} cores), the load of `make bench`; the same code, configured by environment "
                "only.\n\n"
                + scaled_table(bench_ours(), bench_ours(scaled=True)) + "\n")
        (ROOT / "bench" / "scaled.md").write_text(text)
        print(text)
        return
    if args.soak:
        result = bench_ours(soak_seconds=args.soak)
        soak = result["soak"]
        text = (f"Soak {date.today().isoformat()}: 50 users for {soak.seconds:.0f} s: {soak.messages} messages, "
                f"{soak.errors} errors, {soak.throughput:.1f} msg/s, p50 {percentile(soak.latencies, 50):.0f} ms, "
                f"p95 {percentile(soak.latencies, 95):.0f} ms, p99 {percentile(soak.latencies, 99):.0f} ms, "
                f"Rasa server RSS after {result['rasa_rss']:.0f} MB")
        (ROOT / "bench" / "soak.md").write_text(text + "\n")
        print(text)
        return
    from ops.training import train

    train()  # our served model (cached by input hash)
    model, base_train = prepare_baseline()
    timings = WORK / "ours-train.json"
    if args.skip_cold_train and timings.exists():
        ours_train = json.loads(timings.read_text())["train_seconds"]
    else:
        ours_train = cold_train_ours()
        timings.write_text(json.dumps({"train_seconds": ours_train}))
    print("Load on the starter bot ...", flush=True)
    base = {**bench_baseline(model), "train": base_train}
    print("Load on B12 Guide ...", flush=True)
    ours = {**bench_ours(), "train": ours_train}
    text = table(ours, base)
    header = (f"# Benchmark results\n\nRun {date.today().isoformat()} on this machine ({os.cpu_count()} cores), "
              f"users x messages: {', '.join(f'{u}x{n}' for u, n in LEVELS)} (a new conversation every "
              f"{CONVERSATION_TURNS} messages); REST, no think time.\n"
              "Our mix: 3 plan questions (signed-in demo patients: NLU + custom action + database) "
              "to 1 general question. Baseline: Rasa's starter bot (`rasa init`) with its own messages.\n\n")
    RESULTS.write_text(header + text + "\n")
    print("\n" + text)
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
