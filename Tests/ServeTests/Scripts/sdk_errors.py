"""Refusals in OpenAI's shape, as the openai SDK raises them, and raw HTTP for what the
SDK cannot send. The server must answer normally afterwards.
Usage: sdk_errors.py BASE_URL [API_KEY]"""
import sys

import httpx
import openai
from openai import OpenAI

base, key = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
client = OpenAI(base_url=base, api_key=key or "unused", max_retries=0, timeout=60)
headers = {"Authorization": f"Bearer {key}"} if key else {}
question = [{"role": "user", "content": "Hi"}]


def expect(error_type, status, call, code=None, param=None):
    try:
        call()
    except error_type as error:
        assert error.status_code == status, (error.status_code, error.body)
        assert isinstance(error.body, dict) and error.body.get("message") and error.body.get("type"), error.body
        if code:
            assert error.body.get("code") == code, error.body
        if param:
            assert error.body.get("param") == param, error.body
        return error
    raise AssertionError(f"expected {error_type.__name__}")


if key:
    anonymous = OpenAI(base_url=base, api_key="wrong", max_retries=0)
    expect(openai.AuthenticationError, 401, lambda: anonymous.models.list(), code="invalid_api_key")
    raw = httpx.get(base + "/models")
    assert raw.status_code == 401 and raw.json()["error"]["type"] == "authentication_error", raw.text
    assert [model.id for model in client.models.list().data][1:] == ["ponder", "ponder-agent"]

expect(openai.NotFoundError, 404, lambda: client.chat.completions.create(model="gpt-4o", messages=question), code="model_not_found", param="model")
expect(openai.BadRequestError, 400, lambda: client.chat.completions.create(model="ponder", messages=question, temperature=7), param="temperature")
expect(openai.BadRequestError, 400, lambda: client.chat.completions.create(model="ponder", messages=question, max_tokens=0), param="max_tokens")
expect(openai.BadRequestError, 400, lambda: client.chat.completions.create(model="ponder", messages=[]), param="messages")
expect(openai.BadRequestError, 400, lambda: client.chat.completions.create(model="ponder", messages=question, n=2), param="n")
expect(openai.BadRequestError, 400, lambda: client.chat.completions.create(
    model="ponder", messages=question, tool_choice={"type": "function", "function": {"name": "missing"}},
    tools=[{"type": "function", "function": {"name": "present", "parameters": {"type": "object", "properties": {}}}}]), param="tool_choice")
expect(openai.BadRequestError, 400, lambda: client.chat.completions.create(
    model="ponder", messages=question, tools=[{"type": "function", "function": {"name": "f", "parameters": "notanobject"}}]),
    param="tools[0].function.parameters")
expect(openai.BadRequestError, 400, lambda: client.chat.completions.create(
    model="ponder", messages=question, tools=[{"type": "function", "function": {
        "name": "f", "parameters": {"type": "object", "properties": {"city": "string"}}}}]),
    param="tools[0].function.parameters.properties.city")
expect(openai.BadRequestError, 400, lambda: client.chat.completions.create(
    model="ponder-agent", messages=question, tool_choice="required"), param="tool_choice")
expect(openai.BadRequestError, 400, lambda: client.chat.completions.create(
    model="ponder", messages=[{"role": "user", "content": "x " * 20000}]), code="context_length_exceeded")
expect(openai.BadRequestError, 400, lambda: client.chat.completions.create(
    model="ponder", messages=question, extra_body={"temperature": "warm"}), param="temperature")
expect(openai.BadRequestError, 400, lambda: client.chat.completions.create(
    model="ponder", messages=[{"role": "wizard", "content": "hi"}]), param="messages[0].role")

def post(body, content_type="application/json"):
    return httpx.post(base + "/chat/completions", content=body, headers={"Content-Type": content_type, **headers}, timeout=60)

for body, fragment in [(b"{not json", "not valid JSON"), (b"[1, 2]", "JSON object"), (b"", "no body"),
                       (b'{"model": "ponder"}', "messages"), (b'{"model": 5, "messages": []}', "model"),
                       (b'{"model": "ponder", "messages": [{"role": "user", "content": 3}]}', "content")]:
    response = post(body)
    assert response.status_code == 400, (body, response.status_code, response.text)
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and fragment in error["message"], (body, error)

huge = post(b'{"model": "ponder", "messages": [{"role": "user", "content": "' + b"a" * (2 << 20) + b'"}]}')
assert huge.status_code == 413 and huge.json()["error"]["code"] == "request_too_large", huge.text
missing = httpx.get(base + "/nothing-here", headers=headers)
assert missing.status_code == 404 and "endpoints" in missing.json()["error"]["message"], missing.text

# Still serving.
reply = client.chat.completions.create(model="ponder", messages=question, temperature=0, max_tokens=3)
assert reply.choices[0].message.content
print("ok")
