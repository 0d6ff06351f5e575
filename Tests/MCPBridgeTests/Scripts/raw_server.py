"""A hand-written MCP server (JSON-RPC lines on stdio, no SDK) whose tool results are
malformed in the ways a careless server's may be, for the client's robustness tests."""

import json
import sys

TOOLS = [
    {"name": "odd_content", "description": "Returns content items the protocol does not allow.",
     "inputSchema": {"type": "object", "properties": {}}},
    {"name": "not_a_list", "description": "Returns content that is not a list.",
     "inputSchema": {"type": "object", "properties": {}}},
    {"name": "not_an_object", "description": "Returns a result that is not an object.",
     "inputSchema": {"type": "object", "properties": {}}},
    {"name": "calc", "description": "A tool whose name a built-in tool has.",
     "inputSchema": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}},
    {"name": "weird name!", "description": "A name that is not a marker name.",
     "inputSchema": {"type": "object", "properties": {}}},
]

RESULTS = {
    "odd_content": {"content": [
        {"type": "text", "text": "first"},
        {"type": "hologram", "data": "??"},
        {"type": "image", "data": "%%% not base64 %%%", "mimeType": "image/png"},
        {"type": "text"},
        42,
        {"type": "text", "text": "last"},
    ]},
    "not_a_list": {"content": {"type": "text", "text": "alone"}},
    "not_an_object": "just a string",
    "calc": {"content": [{"type": "text", "text": "server calc"}]},
    "weird name!": {"content": [{"type": "text", "text": "weird"}]},
}


def reply(message_id, result):
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": message_id, "result": result}) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    if not line.strip():
        continue
    message = json.loads(line)
    method = message.get("method")
    if "id" not in message:
        continue
    if method == "initialize":
        reply(message["id"], {"protocolVersion": message["params"]["protocolVersion"],
                              "capabilities": {"tools": {}}, "serverInfo": {"name": "raw", "version": "1"}})
    elif method == "tools/list":
        reply(message["id"], {"tools": TOOLS})
    elif method == "tools/call":
        reply(message["id"], RESULTS.get(message["params"]["name"], {"content": [], "isError": True}))
    else:
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": message["id"],
                                     "error": {"code": -32601, "message": "method not found"}}) + "\n")
        sys.stdout.flush()
