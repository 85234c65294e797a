"""The JSON Schemas of the output contract, shipped in the package.

Each schema carries the contract's ``version`` (:data:`jixiao.model.SCHEMA_VERSION`).
The schemas are generated from the data model (``python -m jixiao.output.schemas``
rewrites them) and a test checks that the shipped files are current, so the
contract and the code cannot drift apart.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ..model import SCHEMA_VERSION, FilingResult, ManifestEntry, Record, ReviewItem

SCHEMA_DIR = Path(__file__).parent / "schemas"
MODELS = {
    "record": Record,
    "filing": FilingResult,
    "manifest": ManifestEntry,
    "review": ReviewItem,
}


def generate(name: str) -> dict:
    schema = MODELS[name].model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://jixiao.invalid/schemas/{name}.schema.json"
    schema["version"] = SCHEMA_VERSION  # the contract's version (model.SCHEMA_VERSION); bumped when fields are added
    return schema


def schema_path(name: str) -> Path:
    return SCHEMA_DIR / f"{name}.schema.json"


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def validator(name: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load(name))


@lru_cache(maxsize=None)
def fast_validator(name: str):
    """The writers' validator: jsonschema-rs (~0.03 ms a record, about 100× jsonschema's ~2.5 ms),
    or jsonschema when the Rust wheel is not installed. Both have ``iter_errors``."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - the wheel is a dependency
        return validator(name)
    return jsonschema_rs.validator_for(load(name))


def dump(name: str) -> str:
    return json.dumps(generate(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> None:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name in MODELS:
        schema_path(name).write_text(dump(name), encoding="utf-8")
        print(f"wrote {schema_path(name)}")


if __name__ == "__main__":
    main()
