"""HTTP quote throughput and latency over loopback, against the same quotes in one process.

Starts ``shipopt serve`` (uvicorn) in a subprocess, then runs a closed-loop load generator in
this process: ``--connections`` keep-alive HTTP/1.1 connections, each sending the next quote as
soon as the last answer arrived, for ``--seconds``. The server and the load generator share this
machine's cores. Then the same requests through ``quote()`` in one loop, so the HTTP cost is a
ratio from the same run.

Three load runs: closed loop (each connection sends again as soon as it is answered: the most
the server gives), open loop at ``--rate`` quotes/s (a fixed schedule, latency from the
scheduled send time, so there is no coordinated omission), and the same open loop while a
``--plan-orders`` plan job runs on the server (in its own worker process).

Usage: python -m benchmarks.bench_api [--seconds 30] [--connections 32] [--workers 2] [--rate 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks.bench_quote import percentile
from benchmarks.results_io import write
from shipopt.api.config import hash_key
from shipopt.domain.quote import QuoteRequest
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import quote
from shipopt.pipeline.random_parcels import quote_payloads, random_parcels

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk_bench"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int, db: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SHIPOPT_API_KEY_HASHES": json.dumps([hash_key(KEY)]),
        "SHIPOPT_DATABASE_URL": f"sqlite:///{db}",
        "SHIPOPT_RATE_TABLES": str(ROOT / "rate_tables"),
    }
    cmd = [sys.executable, "-m", "shipopt.cli.main", "serve", "--port", str(port)]
    cmd += ["--workers", str(workers), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
                if b" 200 " in s.recv(1024):
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def _request(body: bytes) -> bytes:
    head = (
        "POST /v1/quotes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {KEY}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _one_connection(
    port: int,
    requests: list[bytes],
    offset: int,
    stop_at: float,
    out: dict[str, Any],
    interval: float | None,
    phase: float,
) -> None:
    """Closed loop (``interval`` None): the next request as soon as the answer is in. Open
    loop: one request every ``interval`` seconds on a fixed schedule, latency counted from the
    scheduled time, so a slow answer also delays (and is charged to) the ones queued behind it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    k = offset
    due = time.perf_counter() + (interval or 0) * phase  # connections spread evenly
    try:
        while time.perf_counter() < stop_at:
            if interval is not None:
                wait = due - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
                started = due
                due += interval
            else:
                started = time.perf_counter()
            writer.write(requests[k % len(requests)])
            k += 1
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            out["latencies"].append((time.perf_counter() - started) * 1000)
            if b" 200 " not in status_line:
                out["errors"] += 1
    finally:
        writer.close()


async def load(
    port: int, requests: list[bytes], connections: int, seconds: float, rate: float | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"latencies": [], "errors": 0}
    stop_at = time.perf_counter() + seconds
    started = time.perf_counter()
    interval = connections / rate if rate else None
    await asyncio.gather(
        *(
            _one_connection(port, requests, c * 97, stop_at, out, interval, c / connections)
            for c in range(connections)
        )
    )
    out["seconds"] = time.perf_counter() - started
    return out


def in_process(payloads: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    ctx = QuoteContext.from_directory(ROOT / "rate_tables")
    latencies = []
    stop_at = time.perf_counter() + seconds
    k = 0
    while time.perf_counter() < stop_at:
        started = time.perf_counter()
        quote(QuoteRequest.model_validate(payloads[k % len(payloads)]), ctx).model_dump_json()
        latencies.append((time.perf_counter() - started) * 1000)
        k += 1
    return {"latencies": latencies, "seconds": seconds, "errors": 0}


def plan_body(orders: int) -> bytes:
    """A generated day as a POST /v1/plans request (the sample box catalog, no vans)."""
    import tempfile

    from shipopt.batch.inputs import read_orders_csv, read_skus_csv, read_warehouses_json
    from shipopt.batch.sample import sample_day, write_sample
    from shipopt.geo import default_zip_directory

    directory = default_zip_directory()
    paths = write_sample(sample_day(directory, orders, 1), Path(tempfile.mkdtemp()))
    skus = read_skus_csv(paths["skus"])
    book = read_orders_csv(paths["orders"], skus, directory)
    body = {
        "orders": [o.model_dump(mode="json") for o in book.orders],
        "skus": [s.model_dump(mode="json") for s in skus.values()],
        "warehouses": [
            {**w.model_dump(mode="json"), "fleet": None}
            for w in read_warehouses_json(paths["warehouses"])
        ],
        "boxes": json.loads((ROOT / "examples" / "boxes.json").read_text()),
        "pack_effort": "normal",
    }
    data = json.dumps(body).encode()
    head = (
        "POST /v1/plans HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {KEY}\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


def submit_plan(port: int, body: bytes) -> str:
    """Submit a plan job; its id."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(body)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    job: dict[str, Any] = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    return str(job["id"])


def plan_status(port: int, job_id: str) -> str:
    request = (
        f"GET /v1/plans/{job_id} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {KEY}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request.encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return str(json.loads(answer.split(b"\r\n\r\n", 1)[1])["status"])


def _row(name: str, run: dict[str, Any]) -> dict[str, Any]:
    lat = run["latencies"]
    return {
        "path": name,
        "quotes": len(lat),
        "quotes_per_s": round(len(lat) / run["seconds"], 1),
        "p50_ms": round(percentile(lat, 50), 3),
        "p99_ms": round(percentile(lat, 99), 3),
        "errors": run["errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="Server processes.")
    parser.add_argument("--rate", type=float, default=1000, help="Open-loop offered load/s.")
    parser.add_argument("--requests", type=int, default=2000, help="Distinct quote bodies.")
    parser.add_argument("--plan-orders", type=int, default=3000, help="The concurrent plan.")
    args = parser.parse_args()
    sample = random_parcels(
        QuoteContext.from_directory(ROOT / "rate_tables").directory, args.requests, 7
    )
    payloads = quote_payloads(sample)
    bodies = [_request(json.dumps(p).encode()) for p in payloads]
    port = _free_port()
    db = Path(os.environ.get("TMPDIR", "/tmp")) / f"shipopt-bench-api-{port}.db"
    server = start_server(port, args.workers, db)
    try:
        asyncio.run(load(port, bodies, args.connections, 3))  # warm-up
        closed = asyncio.run(load(port, bodies, args.connections, args.seconds))
        fixed = asyncio.run(load(port, bodies, args.connections, args.seconds, args.rate))
        job = submit_plan(port, plan_body(args.plan_orders))
        while plan_status(port, job) == "queued":
            time.sleep(0.2)
        busy = asyncio.run(load(port, bodies, args.connections, args.seconds, args.rate))
        busy_status = plan_status(port, job)  # "running" all along: the plan outlasted the run
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    local = in_process(payloads, min(args.seconds, 10))
    rows = [
        _row(f"HTTP, {args.connections} connections, closed loop (as fast as it answers)", closed),
        _row(f"HTTP, {args.connections} connections, open loop at {args.rate:g}/s", fixed),
        _row(
            f"HTTP, open loop at {args.rate:g}/s while a {args.plan_orders}-order plan job runs "
            f"(job {busy_status} at the end)",
            busy,
        ),
        _row("in-process quote(), one loop", local),
    ]
    ratio = rows[3]["quotes_per_s"] / rows[0]["quotes_per_s"]
    table = Table(title=f"Quotes over HTTP vs in process ({args.seconds:g} s)")
    for col in rows[0]:
        table.add_column(col)
    for r in rows:
        table.add_row(*(str(v) for v in r.values()))
    Console().print(table)
    Console().print(f"in-process one loop / HTTP closed loop throughput: {ratio:.2f}x")
    write(
        "api",
        "HTTP API quote load",
        rows,
        {"settings": vars(args), "in_process_over_http": round(ratio, 3)},
    )


if __name__ == "__main__":
    main()
