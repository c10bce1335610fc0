"""The standalone entry point: `python -m orchestrator.sandbox`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp

from orchestrator.sandbox.__main__ import parse_args

ROOT = Path(__file__).parents[3]


def test_flags_are_read() -> None:
    """The documented flags parse into the settings the sandbox starts with."""
    args = parse_args(["--port", "8090", "--faults", "0.1", "--seed", "1", "--speed", "10"])
    assert (args.port, args.faults, args.seed, args.speed) == (8090, 0.1, 1, 10.0)
    assert args.retry_after == "mixed"


async def test_module_prints_urls_and_serves() -> None:
    """Run as a module, the sandbox prints its URLs and answers on them."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "orchestrator.sandbox",
        "--port",
        "0",
        "--faults",
        "0.1",
        "--seed",
        "1",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        lines = []
        while not lines or "State" not in lines[-1]:
            line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
            assert line, "the sandbox exited before printing its URLs"
            lines.append(line.decode())
        printed = "".join(lines)
        assert "api_endpoint" in printed and "/v2" in printed and "/oauth/token" in printed
        state_url = lines[-1].split(": ", 1)[1].strip()
        async with aiohttp.ClientSession() as session, session.get(state_url) as response:
            assert response.status == 200
            assert (await response.json())["quota"]["remaining"] == 10_000
    finally:
        process.terminate()
        await process.wait()
