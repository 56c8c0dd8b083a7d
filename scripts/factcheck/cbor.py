"""The small part of CBOR (RFC 8949) that Pagefind's data files use.

Integers, text, byte strings, arrays and maps of definite length, and the
simple values; encoded with the shortest heads, as Pagefind (serde_cbor)
writes them, so ``encode(decode(data)) == data`` for its files.
"""

from __future__ import annotations

import struct
from typing import Any


def decode(data: bytes) -> Any:
    value, end = _item(data, 0)
    if end != len(data):
        raise ValueError(f"CBOR: {len(data) - end} bytes after the value")
    return value


def encode(value: Any) -> bytes:
    out = bytearray()
    _write(out, value)
    return bytes(out)


def _length(data: bytes, pos: int, info: int) -> tuple[int, int]:
    if info < 24:
        return info, pos
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise ValueError(f"CBOR: indefinite or reserved length ({info})")
    return int.from_bytes(data[pos : pos + size], "big"), pos + size


def _item(data: bytes, pos: int) -> tuple[Any, int]:
    head = data[pos]
    major, info = head >> 5, head & 31
    pos += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info in simple:
            return simple[info], pos
        if info == 26:
            return struct.unpack(">f", data[pos : pos + 4])[0], pos + 4
        if info == 27:
            return struct.unpack(">d", data[pos : pos + 8])[0], pos + 8
        raise ValueError(f"CBOR: unsupported simple value {info}")
    n, pos = _length(data, pos, info)
    if major == 0:
        return n, pos
    if major == 1:
        return -1 - n, pos
    if major == 2:
        return bytes(data[pos : pos + n]), pos + n
    if major == 3:
        return data[pos : pos + n].decode("utf-8"), pos + n
    if major == 4:
        items = []
        for _ in range(n):
            item, pos = _item(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        pairs = {}
        for _ in range(n):
            key, pos = _item(data, pos)
            pairs[key], pos = _item(data, pos)
        return pairs, pos
    raise ValueError(f"CBOR: unsupported major type {major}")


def _head(out: bytearray, major: int, n: int) -> None:
    if n < 24:
        out.append(major << 5 | n)
        return
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            out.append(major << 5 | info)
            out += n.to_bytes(size, "big")
            return
    raise ValueError("CBOR: integer too large")


def _write(out: bytearray, value: Any) -> None:
    if value is None or isinstance(value, bool):
        out.append({False: 0xF4, True: 0xF5, None: 0xF6}[value])
    elif isinstance(value, int):
        _head(out, 0, value) if value >= 0 else _head(out, 1, -1 - value)
    elif isinstance(value, float):
        out.append(0xFB)
        out += struct.pack(">d", value)
    elif isinstance(value, str):
        data = value.encode("utf-8")
        _head(out, 3, len(data))
        out += data
    elif isinstance(value, bytes | bytearray):
        _head(out, 2, len(value))
        out += value
    elif isinstance(value, list | tuple):
        _head(out, 4, len(value))
        for item in value:
            _write(out, item)
    elif isinstance(value, dict):
        _head(out, 5, len(value))
        for key, item in value.items():
            _write(out, key)
            _write(out, item)
    else:
        raise TypeError(f"CBOR: cannot encode {type(value).__name__}")
