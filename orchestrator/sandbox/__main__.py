"""Run the sandbox on its own: `python -m orchestrator.sandbox --port 8090`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from kernel.clock import Clock, RealClock, ScaledClock

from .faults import RETRY_AFTER_FORMS, Faults
from .server import Sandbox, start_sandbox
from .state import SandboxConfig


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m orchestrator.sandbox",
        description="Fake YouTube Data API v3 and Zoom API v2 on a loopback port.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--grpc-port", type=int, default=0, help="streaming chat; 0 = free")
    parser.add_argument("--port", type=int, default=8090, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=0, help="replays the same faults and ids")
    parser.add_argument("--faults", type=float, default=0.0, help="overall fault rate, 0-1")
    parser.add_argument("--timeout-rate", type=float, default=0.0, help="answers after 30 s")
    parser.add_argument("--retry-after", choices=RETRY_AFTER_FORMS, default="mixed")
    parser.add_argument("--quota", type=int, default=10_000, help="YouTube units a day")
    parser.add_argument("--quota-after", type=int, default=None, help="run out after N units")
    parser.add_argument("--polling-ms", type=int, default=2000, help="pollingIntervalMillis")
    parser.add_argument("--speed", type=float, default=1.0, help="clock speed for rehearsals")
    parser.add_argument("--webhook-url", default=None, help="where Zoom webhooks go")
    parser.add_argument("--webhook-secret", default="sandbox-secret")
    return parser.parse_args(argv)


def describe(sandbox: Sandbox) -> str:
    """Say where each fake service answers."""
    return "\n".join(
        (
            f"Pasar Live sandbox on {sandbox.base_url}",
            f"  YouTube api_endpoint : {sandbox.youtube_endpoint}",
            f"  Zoom base_uri        : {sandbox.zoom_base_uri}",
            f"  Zoom oauth_uri       : {sandbox.zoom_oauth_uri}",
            f"  RTMP ingestion       : {sandbox.ingestion_address}",
            f"  State                : {sandbox.base_url}/_sandbox/state",
            f"  YouTube streamList   : {sandbox.grpc_target} (gRPC, plaintext)",
        )
    )


async def serve(args: argparse.Namespace) -> None:
    """Start the sandbox and keep it up until interrupted."""
    start = datetime.now(UTC)
    clock: Clock = RealClock() if args.speed == 1.0 else ScaledClock(start, start, args.speed)
    faults = Faults.uniform(
        args.faults,
        seed=args.seed,
        timeout_rate=args.timeout_rate,
        retry_after=args.retry_after,
        quota_after=args.quota_after,
    )
    config = SandboxConfig(
        seed=args.seed, polling_interval_ms=args.polling_ms, daily_quota=args.quota
    )
    sandbox = await start_sandbox(
        args.host,
        args.port,
        clock=clock,
        faults=faults,
        config=config,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        grpc_port=args.grpc_port,
    )
    print(describe(sandbox), flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.close()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
