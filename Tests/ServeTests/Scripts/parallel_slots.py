"""Continuous batching, against `ponder serve --parallel 3 --queue 0`, through the
official openai SDK: three streams generate at the same time (each has pieces before
any has finished), a fourth request is refused while all slots are busy, a client that
leaves frees its slot at once, and greedy answers decoded together equal the same
answers decoded one at a time. Usage: parallel_slots.py BASE_URL"""
import sys
import threading
import time

import httpx
import openai

base = sys.argv[1]
client = openai.OpenAI(base_url=base, api_key="unused", max_retries=0, timeout=120)
QUESTIONS = ["What is the capital of France?", "Write one sentence about the sea.", "Name two colours."]


def ask(question):
    reply = client.chat.completions.create(
        model="ponder", messages=[{"role": "user", "content": question}], max_tokens=24, temperature=0)
    return reply.choices[0].message.content


# One at a time first: the reference answers.
alone = [ask(question) for question in QUESTIONS]

# Three streams at once, each read on its own thread: the times of each one's pieces.
times = {}
texts = {}


def stream(index, question):
    pieces = client.chat.completions.create(
        model="ponder", messages=[{"role": "user", "content": question}], max_tokens=24, temperature=0, stream=True)
    times[index] = []
    texts[index] = ""
    for chunk in pieces:
        if chunk.choices and chunk.choices[0].delta.content:
            times[index].append(time.monotonic())
            texts[index] += chunk.choices[0].delta.content


threads = [threading.Thread(target=stream, args=(i, q)) for i, q in enumerate(QUESTIONS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=120)
assert all(not thread.is_alive() for thread in threads), "a stream did not finish"
for index in range(len(QUESTIONS)):
    assert texts[index] == alone[index], f"decoded together: {texts[index]!r}; alone: {alone[index]!r}"
# Interleaved: every stream had its first piece before the first stream ended.
first_end = min(pieces[-1] for pieces in times.values())
assert all(pieces[0] < first_end for pieces in times.values()), times

# All three slots busy with long generations: a fourth request is refused (503).
COUNTING = {"model": "ponder", "prompt": ", ".join(str(n) for n in range(1, 40)) + ",", "max_tokens": 3000,
            "temperature": 0, "stream": True}
held = []
for _ in range(3):
    http = httpx.Client(timeout=60)
    response = http.send(http.build_request("POST", base + "/completions", json=COUNTING), stream=True)
    assert response.status_code == 200, response.read()
    lines = response.iter_lines()
    next(line for line in lines if line.startswith("data: "))
    held.append((http, response, lines))
try:
    client.chat.completions.create(model="ponder", messages=[{"role": "user", "content": "Hi"}], max_tokens=2)
    raise AssertionError("a fourth request was served while three slots were busy")
except openai.APIStatusError as error:
    assert error.status_code == 503, error

# One client leaves: its slot is free for the next request, long before 3000 tokens.
http, response, _ = held.pop()
response.close()
http.close()
started = time.monotonic()
answer = None
while time.monotonic() - started < 10:
    try:
        answer = client.chat.completions.create(model="ponder", messages=[{"role": "user", "content": "Hi"}], max_tokens=2)
        break
    except openai.APIStatusError as error:
        assert error.status_code == 503, error
        time.sleep(0.2)
assert answer is not None, "the slot of the client that left was not freed"
for http, response, _ in held:
    response.close()
    http.close()
print("ok")
