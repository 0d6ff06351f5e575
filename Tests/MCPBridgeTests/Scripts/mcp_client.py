"""Drives `ponder mcp` with the official MCP Python SDK, as an MCP client would.

usage: mcp_client.py stdio PONDER [SERVER ARGUMENTS…]
       mcp_client.py http URL
       mcp_client.py foreign-host URL
       mcp_client.py hold URL
       mcp_client.py quick QUESTION PONDER [SERVER ARGUMENTS…]

Lists the tools and calls each one (the calculator, Python with a figure, a fetch of a
page served here on 127.0.0.1, a calculator error, an unknown tool, and `ask`, once
with a progress callback and a short deliberate_seconds), then prints one JSON object
of what came back for the Swift test to check. `foreign-host` sends an initialize
request whose Host header names another site and prints the HTTP status and body;
`hold` opens a session, says "session open" on standard error and keeps it open;
`quick` lists the tools, calls the calculator, then asks QUESTION, and prints what
came back. Exit code 0 unless the client itself failed.
"""

import asyncio
import base64
import http.server
import json
import struct
import sys
import threading

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

CORS_ORIGIN = "http://localhost:5173"
PAGE = b"<html><head><title>Ponder test page</title></head><body><h1>Capybaras</h1><p>The capybara is the largest living rodent.</p></body></html>"


class PageHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *arguments):
        pass


def serve_page():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def png_size(data):
    """Width and height of a PNG, or None when the bytes are not one."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def describe(result):
    """A call's result as plain JSON: texts, images (their PNG size), isError, structured content."""
    texts, images = [], []
    for item in result.content:
        if item.type == "text":
            texts.append(item.text)
        elif item.type == "image":
            data = base64.b64decode(item.data)
            size = png_size(data)
            images.append({"mime_type": item.mime_type, "width": size[0] if size else 0, "height": size[1] if size else 0})
    return {"texts": texts, "images": images, "is_error": bool(result.is_error), "structured": result.structured_content}


async def exercise(session, page_url):
    report = {}
    await session.initialize()
    listed = await session.list_tools()
    report["tools"] = {tool.name: {"description": tool.description, "schema": tool.input_schema} for tool in listed.tools}
    report["calculator"] = describe(await session.call_tool("calculator", {"expression": "24*78"}))
    report["calculator_error"] = describe(await session.call_tool("calculator", {"expression": "24*/78"}))
    report["bad_arguments"] = describe(await session.call_tool("calculator", {"formula": "1+1"}))
    code = "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.title('squares')\nprint('plotted')"
    report["python"] = describe(await session.call_tool("python", {"code": code}))
    report["fetch"] = describe(await session.call_tool("fetch", {"url": page_url}))
    try:
        await session.call_tool("no_such_tool", {})
        report["unknown_tool"] = "no error"
    except Exception as error:  # the SDK raises its MCPError for a JSON-RPC error
        report["unknown_tool"] = f"{type(error).__name__}: {error}"
    report["ask"] = describe(await session.call_tool("ask", {"question": "What is 24*78?"}))
    progress = []

    async def on_progress(value, total, message):
        progress.append({"progress": value, "total": total, "message": message})

    report["ask_deliberate"] = describe(
        await session.call_tool(
            "ask", {"question": "What is 15% of 80?", "deliberate_seconds": 5}, progress_callback=on_progress
        )
    )
    report["progress"] = progress
    return report


def foreign_host(url):
    import httpx

    initialize = {
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
    }
    headers = {"Host": "evil.example", "Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    response = httpx.post(url, json=initialize, headers=headers, timeout=30)
    report = {"status": response.status_code, "body": response.text}
    # A page of the origin --cors allows: its preflight is answered; another origin is refused.
    preflight = httpx.options(
        url, headers={"Origin": CORS_ORIGIN, "Access-Control-Request-Method": "POST",
                      "Access-Control-Request-Headers": "content-type, mcp-protocol-version"}, timeout=30)
    report["preflight"] = {"status": preflight.status_code, "allow_origin": preflight.headers.get("access-control-allow-origin"),
                           "allow_headers": preflight.headers.get("access-control-allow-headers")}
    page = {"Origin": CORS_ORIGIN, "Accept": "application/json, text/event-stream"}
    allowed = httpx.post(url, json=initialize, headers=page, timeout=30)
    report["cors_post"] = {"status": allowed.status_code, "allow_origin": allowed.headers.get("access-control-allow-origin"),
                           "expose": allowed.headers.get("access-control-expose-headers")}
    foreign = httpx.post(url, json=initialize, headers={**page, "Origin": "http://evil.example"}, timeout=30)
    report["foreign_origin"] = {"status": foreign.status_code}
    print(json.dumps(report))


async def hold(url):
    async with streamable_http_client(url) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await session.call_tool("calculator", {"expression": "1+1"})
            print("session open", file=sys.stderr, flush=True)
            await asyncio.sleep(600)


async def main():
    mode = sys.argv[1]
    if mode == "foreign-host":
        foreign_host(sys.argv[2])
        return
    if mode == "quick":
        parameters = StdioServerParameters(command=sys.argv[3], args=sys.argv[4:])
        async with stdio_client(parameters) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                names = [tool.name for tool in (await session.list_tools()).tools]
                calculator = describe(await session.call_tool("calculator", {"expression": "24*78"}))
                ask = describe(await session.call_tool("ask", {"question": sys.argv[2]}))
        print(json.dumps({"tools": names, "calculator": calculator, "ask": ask}))
        return
    if mode == "hold":
        try:
            await hold(sys.argv[2])
        except Exception:
            pass  # the server went away: what the test wants
        return
    page = serve_page()
    page_url = f"http://127.0.0.1:{page.server_address[1]}/capybara.html"
    if mode == "stdio":
        parameters = StdioServerParameters(command=sys.argv[2], args=sys.argv[3:])
        async with stdio_client(parameters) as (read, write):
            async with ClientSession(read, write) as session:
                report = await exercise(session, page_url)
    else:
        async with streamable_http_client(sys.argv[2]) as (read, write):
            async with ClientSession(read, write) as session:
                report = await exercise(session, page_url)
    page.shutdown()
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main())
