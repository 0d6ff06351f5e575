"""An MCP server (official Python SDK) whose tools Ponder's tests use as a client:
unit conversion, a lookup, an image, a long text, and a tool that raises."""

import struct
import sys
import zlib

from mcp.server.mcpserver import Image, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer("units")

# Metres per unit, by every spelling a person (or a small model) may use.
METRES = {}
for names, metres in [
    (("m", "metre", "metres", "meter", "meters"), 1.0),
    (("km", "kilometre", "kilometres", "kilometer", "kilometers"), 1000.0),
    (("cm", "centimetre", "centimetres", "centimeter", "centimeters"), 0.01),
    (("mm", "millimetre", "millimetres", "millimeter", "millimeters"), 0.001),
    (("mi", "mile", "miles"), 1609.344),
    (("ft", "foot", "feet"), 0.3048),
    (("in", "inch", "inches"), 0.0254),
]:
    for name in names:
        METRES[name] = metres

LONG_NAMES = {1.0: "metres", 1000.0: "kilometres", 0.01: "centimetres", 0.001: "millimetres",
              1609.344: "miles", 0.3048: "feet", 0.0254: "inches"}

ELEMENTS = {"H": ("hydrogen", 1), "He": ("helium", 2), "C": ("carbon", 6), "O": ("oxygen", 8),
            "Fe": ("iron", 26), "Au": ("gold", 79)}


def number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


@server.tool()
def convert_length(value: float, from_unit: str, to_unit: str) -> str:
    """Convert a length from one unit to another: metres, kilometres, centimetres,
    millimetres, miles, feet or inches."""
    source = METRES.get(from_unit.strip().lower())
    target = METRES.get(to_unit.strip().lower())
    if source is None or target is None:
        unknown = from_unit if source is None else to_unit
        raise ToolError(f"unknown unit '{unknown}'")
    return f"{number(value)} {LONG_NAMES[source]} = {number(value * source / target)} {LONG_NAMES[target]}"


@server.tool()
def kilometres_to_metres(kilometres: float) -> str:
    """Convert kilometres to metres."""
    return f"{number(kilometres)} kilometres = {number(kilometres * 1000)} metres"


@server.tool()
def lookup_element(symbol: str) -> str:
    """Look up a chemical element by its symbol: its name and atomic number."""
    found = ELEMENTS.get(symbol.strip())
    if found is None:
        raise ToolError(f"no element with the symbol '{symbol}'")
    return f"{symbol.strip()}: {found[0]}, atomic number {found[1]}"


@server.tool()
def red_square(size: int = 4) -> Image:
    """A small red square as a PNG image."""
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * size for _ in range(size))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return Image(data=png, format="png")


@server.tool()
def long_text(characters: int) -> str:
    """A text of exactly this many characters."""
    return ("abcdefghij" * (characters // 10 + 1))[:characters]


@server.tool()
def explode(reason: str) -> str:
    """Always fails with the given reason."""
    raise ToolError(f"exploded: {reason}")


if __name__ == "__main__":
    # `--http PORT` serves streamable HTTP on 127.0.0.1:PORT/mcp (replies as event
    # streams; with `--json`, as JSON bodies); other arguments (a test's tag, to find
    # the process) are ignored.
    if "--http" in sys.argv:
        port = int(sys.argv[sys.argv.index("--http") + 1])
        server.run("streamable-http", host="127.0.0.1", port=port, json_response="--json" in sys.argv)
    else:
        print("units server ready", file=sys.stderr, flush=True)
        server.run()
