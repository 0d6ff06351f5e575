"""`ponder-agent` through the openai SDK: the planner and its tools run on the server.
Usage: sdk_agent.py BASE_URL"""
import sys

from openai import OpenAI

client = OpenAI(base_url=sys.argv[1], api_key="unused", max_retries=0, timeout=300)
question = [{"role": "user", "content": "What is 24*78?"}]

whole = client.chat.completions.create(model="ponder-agent", messages=question, temperature=0)
assert "1872" in whole.choices[0].message.content, whole
steps = whole.model_extra["ponder_steps"]
assert [step["tool"] for step in steps] == ["calc"] and steps[0]["output"] == "1872" and steps[0]["ok"], steps

text, streamed_steps, finish = "", [], None
for chunk in client.chat.completions.create(model="ponder-agent", messages=question, temperature=0, stream=True):
    if chunk.model_extra.get("ponder_step"):
        streamed_steps.append(chunk.model_extra["ponder_step"])
    for choice in chunk.choices:
        text += choice.delta.content or ""
        finish = choice.finish_reason or finish
assert "1872" in text and finish == "stop", (text, finish)
assert [step["tool"] for step in streamed_steps] == ["calc"], streamed_steps
assert text.strip() == whole.choices[0].message.content, (text, whole.choices[0].message.content)
print("ok")
