#!/usr/bin/env python3
"""Write a copy of a GGUF file with one metadata value replaced (or added).

For reproducing reports about hostile model files, e.g.

    tools/gguf-set-key IN.gguf OUT.gguf llama.rope.dimension_count uint32 4096
    tools/gguf-set-key IN.gguf OUT.gguf llama.rope.freq_base float32 nan

Only the standard library is used. The tensor infos and tensor data are copied
unchanged; the data section is re-aligned to the input file's alignment, so a
changed `general.alignment` is written as given but the layout is not moved.
"""
import argparse
import struct
import sys

# GGUF value types: code, struct format (None: string/array).
TYPES = {
    "uint8": (0, "<B"), "int8": (1, "<b"), "uint16": (2, "<H"), "int16": (3, "<h"),
    "uint32": (4, "<I"), "int32": (5, "<i"), "float32": (6, "<f"), "bool": (7, "<B"),
    "string": (8, None), "array": (9, None), "uint64": (10, "<Q"), "int64": (11, "<q"),
    "float64": (12, "<d"),
}
FORMATS = {code: fmt for code, fmt in TYPES.values()}


class Reader:
    def __init__(self, data):
        self.data, self.offset = data, 0

    def take(self, fmt):
        value = struct.unpack_from(fmt, self.data, self.offset)[0]
        self.offset += struct.calcsize(fmt)
        return value

    def string(self):
        length = self.take("<Q")
        start = self.offset
        self.offset += length
        return self.data[start:self.offset]

    def skip_value(self, code):
        if code == 8:
            self.string()
        elif code == 9:
            element, count = self.take("<I"), self.take("<Q")
            for _ in range(count):
                self.skip_value(element)
        else:
            self.take(FORMATS[code])


def encode_value(type_name, text):
    code, fmt = TYPES[type_name]
    if type_name == "string":
        raw = text.encode()
        return code, struct.pack("<Q", len(raw)) + raw
    if fmt is None:
        sys.exit("arrays cannot be set from the command line")
    if type_name.startswith("float"):
        return code, struct.pack(fmt, float(text))
    # Integers are written by their bits: -1 as a uint32 is 0xFFFFFFFF.
    value = int(text, 0)
    bits = struct.calcsize(fmt) * 8
    if not -(1 << (bits - 1)) <= value < (1 << bits):
        sys.exit(f"{value} does not fit in {bits} bits")
    return code, struct.pack("<" + fmt[1].upper(), value % (1 << bits))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("key")
    parser.add_argument("type", choices=[t for t in TYPES if t != "array"])
    parser.add_argument("value")
    args = parser.parse_args()

    data = open(args.input, "rb").read()
    reader = Reader(data)
    if data[:4] != b"GGUF":
        sys.exit("not a GGUF file")
    reader.offset = 4
    version, tensor_count, kv_count = reader.take("<I"), reader.take("<Q"), reader.take("<Q")
    entries, alignment = [], 32
    for _ in range(kv_count):
        start = reader.offset
        key = reader.string()
        code = reader.take("<I")
        value_start = reader.offset
        reader.skip_value(code)
        if key == b"general.alignment" and FORMATS.get(code):
            alignment = max(1, struct.unpack_from(FORMATS[code], data, value_start)[0])
        entries.append((key, data[start:reader.offset]))
    infos_start = reader.offset
    for _ in range(tensor_count):
        reader.string()
        dims = reader.take("<I")
        reader.offset += 8 * dims + 4 + 8
    infos = data[infos_start:reader.offset]
    data_start = (reader.offset + alignment - 1) // alignment * alignment

    code, payload = encode_value(args.type, args.value)
    key = args.key.encode()
    replacement = struct.pack("<Q", len(key)) + key + struct.pack("<I", code) + payload
    found = False
    out = bytearray(b"GGUF" + struct.pack("<IQQ", version, tensor_count, len(entries)))
    for name, raw in entries:
        if name == key:
            raw, found = replacement, True
        out += raw
    if not found:
        out += replacement
        struct.pack_into("<Q", out, 16, len(entries) + 1)
    out += infos
    while len(out) % alignment:
        out.append(0)
    out += data[data_start:]
    open(args.output, "wb").write(out)


if __name__ == "__main__":
    main()
