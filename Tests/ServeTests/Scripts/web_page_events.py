"""The events the web page reads, through the official openai SDK: `ponder_events` adds
chunks without choices that carry a `ponder_event`; the text chunks stay as they were,
and a request without it gets none. Usage: web_page_events.py BASE_URL"""
import sys

from openai import BadRequestError, OpenAI

client = OpenAI(base_url=sys.argv[1], api_key="unused", max_retries=0, timeout=300)
question = [{"role": "user", "content": "What is 24*78?"}]


def run(extra):
    text, events, extras = "", [], 0
    for chunk in client.chat.completions.create(model="ponder-agent", messages=question, temperature=0, stream=True, extra_body=extra):
        event = (chunk.model_extra or {}).get("ponder_event")
        if event:
            assert chunk.choices == [], chunk
            events.append(event)
        for choice in chunk.choices:
            text += choice.delta.content or ""
    return text, events


plain_text, plain_events = run({})
assert plain_events == [] and "1872" in plain_text, (plain_text, plain_events)

text, events = run({"ponder_events": True})
assert text == plain_text, (text, plain_text)
kinds = [event["type"] for event in events]
assert kinds == ["start", "tool_started", "tool_result", "answer"], kinds
start, started, result, answer = events
assert start["mode"] == "fast" and start["id"].startswith("chatcmpl-"), start
assert started["tool"] == "calc" and started["input"] == result["input"], (started, result)
assert result["output"] == "1872" and result["ok"] is True and result["ms"] >= 0 and result["files"] == [], result
assert answer["mode"] == "fast" and "path" not in answer, answer

# Without tools, no step; a budget out of range is a 400 naming the field.
text, events = run({"ponder_events": True, "ponder_tools": False})
assert [event["type"] for event in events] == ["start", "answer"], events
try:
    run({"ponder_deliberate": 0})
    raise AssertionError("ponder_deliberate 0 was accepted")
except BadRequestError as error:
    assert "ponder_deliberate" in str(error), error
print("ok")
