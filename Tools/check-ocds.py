#!/usr/bin/env python3
"""Checks OCDS 1.1 packages against the OCDS 1.1.5 JSON Schemas (release package, record package, and through
them the release and versioned-release schemas), with nothing fetched: the schemas' URLs resolve to the local
copies in ../shared/conformance/ocds/schema-1.1.5 (or $CIVIC_CONFORMANCE_DIR/ocds/schema-1.1.5).

    python3 Tools/check-ocds.py DIR      # DIR/release-package.json and DIR/record-package.json (civic export ocds)
    python3 Tools/check-ocds.py FILE...  # each a release package or a record package (by its members)

Prints one line per failure and a last line `N passed, M failed`; exits 1 when M > 0 (2 on usage errors).
Needs the `jsonschema` (>= 4.18) and `referencing` packages. `format` is checked (date-time, uri).
"""

import json
import os
import sys
from pathlib import Path

try:
    from jsonschema import Draft4Validator, FormatChecker
    from jsonschema.exceptions import best_match
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4
except ImportError as error:  # pragma: no cover
    sys.exit(f"check-ocds: needs the jsonschema and referencing packages ({error})")

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = Path(os.environ.get("CIVIC_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))
SCHEMAS = CONFORMANCE / "ocds" / "schema-1.1.5"
BASE = "https://standard.open-contracting.org/schema/1__1__5/"


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def registry():
    resources = []
    for name in ("release-schema.json", "versioned-release-validation-schema.json", "release-package-schema.json",
                 "record-package-schema.json"):
        resources.append((BASE + name, Resource.from_contents(load(SCHEMAS / name), default_specification=DRAFT4)))
    return Registry().with_resources(resources)


def main(arguments):
    if not arguments:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    files = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            files += [path / "release-package.json", path / "record-package.json"]
        else:
            files.append(path)
    known = registry()
    validators = {
        kind: Draft4Validator(load(SCHEMAS / f"{kind}-package-schema.json"), registry=known, format_checker=FormatChecker())
        for kind in ("release", "record")
    }
    passed = failed = 0
    for file in files:
        try:
            package = load(file)
        except (OSError, ValueError) as error:
            print(f"{file}: cannot read: {error}")
            failed += 1
            continue
        kind = "record" if "records" in package else "release"
        errors = sorted(validators[kind].iter_errors(package), key=lambda error: list(error.absolute_path))
        if errors:
            failed += 1
            for error in errors[:20]:
                # The deepest reason (inside oneOf/anyOf), without the instance, which can be megabytes.
                while error.context:
                    error = best_match(error.context)
                where = "/".join(str(part) for part in error.absolute_path)
                message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
                print(f"{file}: {kind} package: {where or '(root)'}: {error.validator} failed: {message}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
