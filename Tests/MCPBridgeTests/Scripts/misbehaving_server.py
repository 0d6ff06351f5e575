"""An MCP server (official Python SDK) that misbehaves on request: one tool ends the
process in the middle of a call, another never answers."""

import os
import sys
import time

from mcp.server.mcpserver import MCPServer

server = MCPServer("misbehaving")


@server.tool()
def exit_now(status: int = 3) -> str:
    """Ends the server's process in the middle of the call."""
    print("exit_now: giving up", file=sys.stderr, flush=True)
    os._exit(status)


@server.tool()
def hang() -> str:
    """Never answers."""
    time.sleep(3600)
    return "woke up"


@server.tool()
def echo(text: str) -> str:
    """Returns its text."""
    return text


if __name__ == "__main__":
    server.run()
