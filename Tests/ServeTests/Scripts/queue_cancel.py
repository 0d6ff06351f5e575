"""The queue and cancellation, against `ponder serve --queue 1`: one request runs, one
waits, the next is refused (503 in OpenAI's shape); a client that disconnects frees the
model (while generating) or its place (while waiting). Usage: queue_cancel.py BASE_URL"""
import json
import sys
import threading
import time

import httpx

base = sys.argv[1]
# Greedy, the model keeps counting: thousands of tokens unless stopped.
COUNTING = {"model": "ponder", "prompt": ", ".join(str(n) for n in range(1, 40)) + ",", "max_tokens": 3000,
            "temperature": 0, "stream": True}
SHORT = {"model": "ponder", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 2, "temperature": 0}


# The line iterators of open streams: dropping one would close its connection.
KEEP_OPEN = []


def open_stream(client, path, body, events=1):
    """Starts a streaming request and reads `events` data events; returns the open response."""
    request = client.build_request("POST", base + path, json=body)
    response = client.send(request, stream=True)
    assert response.status_code == 200, response.read()
    lines = response.iter_lines()
    KEEP_OPEN.append(lines)
    seen = []
    for line in lines:
        if line.startswith("data: "):
            seen.append(json.loads(line[6:]))
            if len(seen) >= events:
                break
    return response, seen


def refused(client):
    response = client.post(base + "/chat/completions", json=SHORT)
    if response.status_code != 503:
        return None
    error = response.json()["error"]
    assert error["code"] == "queue_full" and error["type"] == "server_overloaded", error
    assert response.headers.get("retry-after") == "1", response.headers
    return error


with httpx.Client(timeout=60) as running_client, httpx.Client(timeout=60) as waiting_client, httpx.Client(timeout=60) as other:
    # A generates (its first pieces of text have arrived).
    running, pieces = open_stream(running_client, "/completions", COUNTING, events=3)
    assert all(piece["choices"][0]["text"] for piece in pieces), pieces

    # B waits: its stream opens with the role chunk before its turn.
    waiting, first = open_stream(waiting_client, "/chat/completions", dict(SHORT, stream=True))
    assert first[0]["choices"][0]["delta"]["role"] == "assistant", first

    # C finds the queue full.
    assert refused(other), "a third request was not refused"

    # B gives up while waiting: its place is free, so C's retry waits instead of a 503.
    waiting.close()
    waiting_client.close()
    time.sleep(0.5)
    result = {}
    retry = threading.Thread(target=lambda: result.update(response=other.post(base + "/chat/completions", json=SHORT)))
    retry.start()
    time.sleep(1.0)
    assert "response" not in result, f"the retry was answered while A still runs: {result['response'].text}"

    # A disconnects mid-generation: the model is freed, and the retry is answered soon,
    # long before A's 3000 tokens would have been written.
    started = time.time()
    running.close()
    running_client.close()
    retry.join(timeout=20)
    assert not retry.is_alive(), "the waiting request was not served after the running client left"
    elapsed = time.time() - started
    assert result["response"].status_code == 200, result["response"].text
    assert elapsed < 8, f"the waiting request took {elapsed:.1f} s after the client left: generation went on"
print("ok")
