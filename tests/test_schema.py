"""The JSON Schema editors use: generated from the model, committed, and in step with it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO, run_cli, valid_claim_text
from factcheck.convert import model_fields
from factcheck.model import Claim
from factcheck.schema import SCHEMA_FILE, claim_schema, schema_text
from factcheck.yamlread import read

COMMITTED = REPO / "claims" / SCHEMA_FILE
BUNDLED = sorted((REPO / "claims").glob("*.yaml"))
GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load(text: str) -> Any:
    """YAML as the project reads it (dates stay strings, duplicates refused)."""
    doc = read(text)
    assert doc.errors == []
    return doc.data


def errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data))


def test_committed_schema_equals_the_one_generated_from_the_model() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), "run `make schema` and commit claims/claim.schema.json"


def test_schema_declares_draft_2020_12() -> None:
    assert claim_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", BUNDLED + GOLDEN, ids=[p.name for p in BUNDLED + GOLDEN])
def test_every_bundled_and_fixture_claim_validates_against_the_schema(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    assert errors(validator, load(path.read_text(encoding="utf-8"))) == []


def test_valid_test_claim_validates_against_the_schema(validator: jsonschema.Draft202012Validator) -> None:
    assert errors(validator, load(valid_claim_text())) == []


def test_misspelt_field_fails_against_the_schema(validator: jsonschema.Draft202012Validator) -> None:
    data = load(valid_claim_text().replace("claimant:", "claimnt:"))
    found = errors(validator, data)
    assert any("'claimnt' was unexpected" in e for e in found), found
    assert any("'claimant' is a required property" in e for e in found), found


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("status: confirmed", "status: confimred", "status"),
        ('date: "2024-06-10"', 'date: "10 June 2024"', "date"),
        ("  url: https://news.example.org/story", '  url: "javascript:alert(1)"', "source/url"),
        ("id: example-claim", "id: Example_Claim", "id"),
        ("    stance: supports\n  - publisher: Second", "    stance: maybe\n  - publisher: Second", "corroboration/0/stance"),
        ("  role: spokeswoman, Example Ministry", "  role: spokeswoman\n  rloe: x", "claimant"),
    ],
)
def test_schema_rejects_what_the_validator_rejects(validator: jsonschema.Draft202012Validator, old: str, new: str, where: str) -> None:
    text = valid_claim_text()
    assert old in text
    found = errors(validator, load(text.replace(old, new)))
    assert [e for e in found if e.startswith(f"{where}:")], found


def _model_paths(cls: type, prefix: str = "") -> list[str]:
    paths = []
    for f, ftype in model_fields(cls):
        paths.append(prefix + f.name)
        inner = ftype.item.base if ftype.item else ftype.base
        if isinstance(inner, type) and hasattr(inner, "__dataclass_fields__"):
            paths += _model_paths(inner, prefix + f.name + ("[]." if ftype.item else "."))
    return paths


def _schema_descriptions(node: dict[str, Any], prefix: str = "") -> dict[str, str]:
    found = {}
    for name, prop in node.get("properties", {}).items():
        found[prefix + name] = prop.get("description", "")
        if prop.get("type") == "object":
            found |= _schema_descriptions(prop, prefix + name + ".")
        if prop.get("type") == "array" and prop["items"].get("type") == "object":
            found |= _schema_descriptions(prop["items"], prefix + name + "[].")
    return found


def test_every_model_field_has_a_description_in_the_schema() -> None:
    described = _schema_descriptions(json.loads(COMMITTED.read_text(encoding="utf-8")))
    assert sorted(described) == sorted(_model_paths(Claim))
    assert [name for name, text in described.items() if len(text.strip()) < 10] == []


def test_schema_requires_exactly_the_required_model_fields() -> None:
    schema = claim_schema()
    required = [f.name for f in dataclasses.fields(Claim) if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    assert sorted(schema["required"]) == sorted(required)
    assert schema["additionalProperties"] is False


def test_schema_check_command_passes_on_the_repository() -> None:
    result = run_cli(REPO, "schema", "--check")
    assert result.returncode == 0, result.stderr


def test_schema_check_command_fails_on_a_stale_file(tmp_path: Path) -> None:
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / SCHEMA_FILE).write_text("{}\n", encoding="utf-8")
    result = run_cli(tmp_path, "schema", "--check")
    assert result.returncode == 1
    assert "out of date" in result.stderr
    assert (tmp_path / "claims" / SCHEMA_FILE).read_text(encoding="utf-8") == "{}\n"
