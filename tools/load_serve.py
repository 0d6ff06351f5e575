"""Load test of `ponder serve`: N concurrent streaming chat clients through the official
openai SDK. Reports requests served, refused (503, the documented answer of a full
queue) and failed, latencies, aggregate tokens/s, and the server's peak memory.
Run through tools/load-serve."""
import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time

import httpx
import openai

QUESTIONS = ["Write one sentence about the number {i}.", "Name a colour and a fruit ({i}).", "Say hello to visitor {i}."]


def start_server(ponder, queue, context, threads, parallel):
    command = [ponder, "serve", "--port", "0", "--queue", str(queue)] + (["--context", str(context)] if context else [])
    command += ["--parallel", str(parallel)] if parallel else []
    command += ["--threads", str(threads)] if threads else []
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stderr.readline()
        match = re.search(r"listening on (http://\S+/v1)", line)
        if match:
            return process, match.group(1)
        if process.poll() is not None:
            break
    process.kill()
    raise SystemExit(f"ponder serve did not start: {line}")


def peak_memory_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


async def one_client(client, index, max_tokens, timeout):
    started = time.perf_counter()
    first, pieces = None, 0
    try:
        async with asyncio.timeout(timeout):
            stream = await client.chat.completions.create(
                model="ponder", temperature=0, max_tokens=max_tokens, stream=True,
                messages=[{"role": "user", "content": QUESTIONS[index % len(QUESTIONS)].format(i=index)}])
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    pieces += 1
                    first = first or time.perf_counter()
        return {"outcome": "ok", "first": (first or time.perf_counter()) - started, "total": time.perf_counter() - started, "pieces": pieces}
    except openai.APIStatusError as error:
        if error.status_code == 503 and isinstance(error.body, dict) and error.body.get("code") == "queue_full":
            return {"outcome": "refused", "total": time.perf_counter() - started}
        return {"outcome": "error", "error": f"{error.status_code}: {error.body}"}
    except Exception as error:  # a failure of any other kind is what the test looks for
        return {"outcome": "error", "error": repr(error)}


def quantiles(values):
    if not values:
        return None
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]
    return {"p50": round(statistics.median(ordered), 3), "p95": round(pick(0.95), 3), "max": round(ordered[-1], 3)}


async def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", help="a running server's API base (else --ponder starts one)")
    parser.add_argument("--ponder", help="the ponder binary to start as the server")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--queue", type=int, default=64, help="the started server's --queue")
    parser.add_argument("--context", type=int, help="the started server's --context")
    parser.add_argument("--threads", type=int, help="the started server's --threads")
    parser.add_argument("--parallel", type=int, help="the started server's --parallel (requests decoded together)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per client before it counts as failed")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args()
    if not 1 <= options.clients <= 1000:
        raise SystemExit("--clients must be between 1 and 1000")

    process = None
    base = options.base_url
    if not base:
        if not options.ponder:
            raise SystemExit("give --base-url or --ponder")
        process, base = start_server(options.ponder, options.queue, options.context, options.threads, options.parallel)
    try:
        client = openai.AsyncOpenAI(base_url=base, api_key=os.environ.get("PONDER_API_KEY", "unused"), max_retries=0, timeout=options.timeout)
        # One request first, so the measurement does not include loading the model's pages.
        await client.chat.completions.create(model="ponder", messages=[{"role": "user", "content": "Hi"}], max_tokens=1)
        started = time.perf_counter()
        results = await asyncio.gather(*(one_client(client, index, options.max_tokens, options.timeout) for index in range(options.clients)))
        wall = time.perf_counter() - started
        served = [result for result in results if result["outcome"] == "ok"]
        alive = httpx.get(base + "/models", timeout=10).status_code == 200
        summary = {
            "clients": options.clients, "max_tokens": options.max_tokens, "queue": options.queue if process else None,
            "parallel": options.parallel if process else None,
            "served": len(served), "refused_503": sum(result["outcome"] == "refused" for result in results),
            "errors": [result["error"] for result in results if result["outcome"] == "error"],
            "seconds": round(wall, 3), "streamed_pieces": sum(result["pieces"] for result in served),
            "pieces_per_second": round(sum(result["pieces"] for result in served) / wall, 1),
            "first_piece_seconds": quantiles([result["first"] for result in served]),
            "total_seconds": quantiles([result["total"] for result in served]),
            "server_alive": alive,
            "server_peak_mib": round(peak_memory_mib(process.pid), 1) if process else None,
        }
    finally:
        if process:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    if options.json:
        print(json.dumps(summary))
    else:
        for key, value in summary.items():
            print(f"{key:20} {value}")
    return 0 if not summary["errors"] and alive else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
