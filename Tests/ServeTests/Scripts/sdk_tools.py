"""Function calling through the openai SDK against `ponder serve`: forced, required and
streamed calls in OpenAI's shape, and a tool result sent back. Usage: sdk_tools.py BASE_URL"""
import json
import sys

from openai import OpenAI

client = OpenAI(base_url=sys.argv[1], api_key="unused", max_retries=0, timeout=120)
tools = [
    {"type": "function", "function": {
        "name": "get_weather", "description": "The current weather of a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                       "required": ["city"]}}},
    {"type": "function", "function": {
        "name": "add", "description": "Add two numbers",
        "parameters": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}}},
]
weather = [{"role": "user", "content": "What is the weather in Paris?"}]


def check_call(call, name):
    assert call.type == "function" and call.id.startswith("call_"), call
    assert call.function.name == name, call
    return json.loads(call.function.arguments)


forced = client.chat.completions.create(
    model="ponder", messages=weather, tools=tools, temperature=0,
    tool_choice={"type": "function", "function": {"name": "get_weather"}})
choice = forced.choices[0]
assert choice.finish_reason == "tool_calls", choice
arguments = check_call(choice.message.tool_calls[0], "get_weather")
assert set(arguments) == {"city"} and isinstance(arguments["city"], str) and arguments["city"], arguments

numbers = client.chat.completions.create(
    model="ponder", messages=[{"role": "user", "content": "Add 2 and 3."}], tools=tools, temperature=0,
    tool_choice={"type": "function", "function": {"name": "add"}})
added = check_call(numbers.choices[0].message.tool_calls[0], "add")
assert set(added) == {"a", "b"} and all(isinstance(value, (int, float)) for value in added.values()), added

required = client.chat.completions.create(model="ponder", messages=weather, tools=tools, temperature=0, tool_choice="required")
assert required.choices[0].finish_reason == "tool_calls"
assert required.choices[0].message.tool_calls[0].function.name in ("get_weather", "add")

# A forced call is a call whatever the model writes: hot sampling, several seeds, a
# function whose argument (an array) the server does not guide value by value.
listed = {"type": "function", "function": {
    "name": "sum_list", "description": "Sum numbers",
    "parameters": {"type": "object", "properties": {"values": {"type": "array", "items": {"type": "number"}}}, "required": ["values"]}}}
for seed in range(4):
    for tool_choice in ("required", {"type": "function", "function": {"name": "sum_list"}}):
        hot = client.chat.completions.create(
            model="ponder", messages=[{"role": "user", "content": "Tell me a story about a dragon."}], tools=tools + [listed],
            temperature=1.8, seed=seed, tool_choice=tool_choice)
        assert hot.choices[0].finish_reason == "tool_calls" and hot.choices[0].message.tool_calls, (seed, tool_choice, hot)
        assert isinstance(json.loads(hot.choices[0].message.tool_calls[0].function.arguments), dict), hot

# Streamed: the call arrives whole in one delta, then finish_reason "tool_calls".
calls, finish = [], None
for chunk in client.chat.completions.create(
        model="ponder", messages=weather, tools=tools, temperature=0, stream=True,
        tool_choice={"type": "function", "function": {"name": "get_weather"}}):
    for streamed in chunk.choices:
        calls += streamed.delta.tool_calls or []
        finish = streamed.finish_reason or finish
assert finish == "tool_calls" and len(calls) == 1 and calls[0].index == 0, (finish, calls)
assert json.loads(calls[0].function.arguments) == arguments, calls

# The result goes back as a tool message; the model answers in text.
answer = client.chat.completions.create(
    model="ponder", tools=tools, temperature=0, max_tokens=30, tool_choice="none",
    messages=weather + [
        {"role": "assistant", "content": None, "tool_calls": [choice.message.tool_calls[0].model_dump()]},
        {"role": "tool", "tool_call_id": choice.message.tool_calls[0].id, "content": "Sunny, 24 degrees"}])
assert answer.choices[0].message.tool_calls is None and answer.choices[0].message.content, answer
print("ok")
