"""JSON Schema for claim files, generated from the model (never edited by hand).

Editors read it through the first line of every claim file
(``# yaml-language-server: $schema=claim.schema.json``) to complete field
names and flag mistakes while the contributor types. ``schema --check``
fails when the committed file no longer matches the model.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .convert import FieldType, is_required, model_fields
from .model import Claim

SCHEMA_FILE = "claim.schema.json"
SCHEMA_ID = "https://json-schema.org/draft/2020-12/schema"


def _type_schema(ftype: FieldType) -> dict[str, Any]:
    if ftype.item is not None:
        return {"type": "array", "items": _type_schema(ftype.item)}
    if isinstance(ftype.base, type) and hasattr(ftype.base, "__dataclass_fields__"):
        return _object_schema(ftype.base)
    if ftype.choices is not None:
        return {
            "enum": list(ftype.choices.values),
            "markdownEnumDescriptions": [f"**{c.label}** — {c.definition}" for c in ftype.choices.choices],
        }
    if ftype.base is int:
        return {"type": "integer"}
    out: dict[str, Any] = {"type": "string", "minLength": 1}
    if ftype.kind:
        out["maxLength"] = ftype.kind.max_length
        if ftype.kind.pattern:
            out["pattern"] = f"^(?:{ftype.kind.pattern})$"  # JSON Schema patterns are not anchored
    if ftype.kind and ftype.kind.name == "url":
        out["format"] = "uri"
    return out


def _object_schema(cls: type) -> dict[str, Any]:
    properties = {}
    for f, ftype in model_fields(cls):
        prop = _type_schema(ftype)
        prop["description"] = f.metadata["doc"]
        properties[f.name] = prop
    return {
        "type": "object",
        "description": (cls.__doc__ or "").strip(),
        "properties": properties,
        "required": [f.name for f, _ in model_fields(cls) if is_required(f)],
        "additionalProperties": False,
    }


def claim_schema() -> dict[str, Any]:
    schema = {"$schema": SCHEMA_ID, "title": "Fact-check claim", **_object_schema(Claim)}
    schema["description"] = "One claim and its check. Generated from scripts/factcheck/model.py — do not edit by hand."
    return schema


def schema_text() -> str:
    return json.dumps(claim_schema(), indent=2, ensure_ascii=False) + "\n"


def cmd_schema(args: argparse.Namespace) -> int:
    target = Path(args.root) / "claims" / SCHEMA_FILE
    text = schema_text()
    if args.check:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            print(f"{target.name} is out of date with the claim model: run `make schema` and commit it.", file=sys.stderr)
            return 1
        print(f"claims/{SCHEMA_FILE} matches the model.")
        return 0
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
        print(f"wrote claims/{SCHEMA_FILE}")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("schema", help=f"write claims/{SCHEMA_FILE} from the claim model")
    p.add_argument("--check", action="store_true", help="fail if the committed schema differs from the model")
    p.set_defaults(func=cmd_schema)
