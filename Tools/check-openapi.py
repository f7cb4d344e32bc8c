#!/usr/bin/env python3
"""Validate a JSON document from stdin against a schema of Protocol/openapi.yaml.

    curl -s http://127.0.0.1:8080/v1/status | Tools/check-openapi.py Status
    ... | Tools/check-openapi.py --response Error

Prints `1 passed, 0 failed` or the validation error, exit status 0 or 1.
"""
import json
import pathlib
import sys

import jsonschema
import yaml

root = pathlib.Path(__file__).resolve().parent.parent
spec = yaml.safe_load((root / "Protocol" / "openapi.yaml").read_text())
args = sys.argv[1:]
if len(args) == 2 and args[0] == "--response":
    schema = spec["components"]["responses"][args[1]]["content"]["application/json"]["schema"]
elif len(args) == 1:
    schema = spec["components"]["schemas"][args[0]]
else:
    sys.exit("usage: check-openapi.py [--response] NAME < document.json")
# Local $refs point into the components of the spec.
schema = dict(schema, components=spec["components"])
try:
    document = json.load(sys.stdin)
    jsonschema.Draft202012Validator(schema).validate(document)
except (ValueError, jsonschema.ValidationError) as error:
    print(f"{args[-1]}: {str(error).splitlines()[0]}")
    print("0 passed, 1 failed")
    sys.exit(1)
print("1 passed, 0 failed")
