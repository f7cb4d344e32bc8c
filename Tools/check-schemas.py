#!/usr/bin/env python3
"""Checks the vocabulary's JSON Schemas (Protocol/schemas/) and, optionally, event bodies against them; also
the reports' JSON Schemas (Protocol/schemas/reports/) and report JSON against them.

    python3 Tools/check-schemas.py                  # schemas (reports/ too), examples/ and examples/invalid/
    python3 Tools/check-schemas.py --events FILE    # JSON lines from `civic log --format json` (FILE may be -)
    python3 Tools/check-schemas.py --reports DIR    # DIR/NAME.json from `civic report all --format json --out DIR`
    python3 Tools/check-schemas.py --findings FILE  # the output of `civic findings --format json` (FILE may be -)
    python3 Tools/check-schemas.py -v ...           # also print the checks that pass

Prints one line per failure and a last line `N passed, M failed`; exits 1 when M > 0 (2 on usage errors).

Needs the `jsonschema` (>= 4.18) and `referencing` packages. Relative `$ref`s ("common.schema.json#/$defs/id")
resolve against each schema's `$id` through a registry of every schema in schemas/ and schemas/reports/ (a report
schema reaches the vocabulary's definitions as "../common.schema.json#/$defs/id"); nothing is fetched.

With --reports, every NAME.json in DIR (NAME one of funding, equity, surveillance, vendors, algorithms, headlines) is
checked against reports/NAME.schema.json; another *.json in DIR is a failure, other files are ignored.

JSON is read strictly, as in Protocol/ENCODING.md: numbers with a fraction or exponent are read as decimals, so
they are never integers (`1.0` fails `"type": "integer"`); NaN/Infinity and duplicate member names are refused.
`pattern` uses ECMA-262 semantics, as JSON Schema specifies: `$` matches only at the very end of the string
(Python's `$` also matches before a final newline) and `\\d` is ASCII only. `format` is not asserted.
"""

import argparse
import decimal
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

try:
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import SchemaError, ValidationError
    from referencing import Registry, Resource
except ImportError as error:  # pragma: no cover
    sys.exit(f"check-schemas: needs the jsonschema and referencing packages ({error})")

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "Protocol" / "schemas"
EXAMPLES = SCHEMAS / "examples"
INVALID = EXAMPLES / "invalid"
COMMON = "common"
ID_BASE = "https://civicledger.example/schemas/v1/"
REPORTS_DIR = "reports"
REPORT_COMMON = f"{REPORTS_DIR}/report-common"
# The reports of Protocol/REPORTS.md (`civic report NAME --format json`), and the headlines.
REPORTS = ["funding", "equity", "surveillance", "vendors", "algorithms", "findings", "headlines"]
# Schemas of schemas/ that describe a command's output rather than an event type.
OUTPUTS = ["findings"]

# The event types of Protocol/VOCABULARY.md, in its order.
TYPES = [
    "office.registered",
    "office.key-rotated",
    "office.key-revoked",
    "district.defined",
    "policy.target-declared",
    "system.procured",
    "contract.amended",
    "cost.incurred",
    "deployment.recorded",
    "deployment.removed",
    "surveillance.assessed",
    "algorithm.registered",
    "algorithm.updated",
    "algorithm.retired",
    "system.retired",
    "event.corrected",
]


# --- strict JSON -------------------------------------------------------------------------------


class StrictJSONError(ValueError):
    pass


def _refuse_constant(name):
    raise StrictJSONError(f"{name} is not JSON")


def _object_without_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise StrictJSONError(f"duplicate member name {key!r}")
        result[key] = value
    return result


def loads(text):
    return json.loads(
        text,
        parse_float=decimal.Decimal,
        parse_constant=_refuse_constant,
        object_pairs_hook=_object_without_duplicates,
    )


def load_file(path):
    with open(path, encoding="utf-8") as file:
        return loads(file.read())


# --- validator ---------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def ecma_regex(pattern):
    """Compiles an ECMA-262 pattern for Python: unescaped `$` outside a class becomes `\\Z`; ASCII classes."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
        i += 1
    return re.compile("".join(out), re.ASCII)


def ecma_pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


Validator = validators.extend(Draft202012Validator, {"pattern": ecma_pattern})


def schema_path(name):
    return SCHEMAS / f"{name}.schema.json"


def report_schema(report):
    """The schema name of a report: "reports/funding"."""
    return f"{REPORTS_DIR}/{report}"


def is_report_schema(name):
    return name.startswith(REPORTS_DIR + "/")


class Schemas:
    """Every *.schema.json of schemas/ and schemas/reports/, registered under its `$id`.

    Names are the paths below schemas/ without ".schema.json": "cost.incurred", "reports/funding".
    """

    def __init__(self):
        self.documents = {}  # name -> schema
        self.load_errors = {}  # name -> message
        paths = sorted(SCHEMAS.glob("*.schema.json")) + sorted((SCHEMAS / REPORTS_DIR).glob("*.schema.json"))
        for path in paths:
            name = path.relative_to(SCHEMAS).as_posix()[: -len(".schema.json")]
            try:
                self.documents[name] = load_file(path)
            except (OSError, ValueError) as error:
                self.load_errors[name] = f"cannot read: {error}"
        resources = []
        for document in self.documents.values():
            if isinstance(document, dict) and isinstance(document.get("$id"), str):
                resources.append((document["$id"], Resource.from_contents(document)))
        self.registry = Registry().with_resources(resources)
        self._validators = {}

    def validator(self, name):
        if name not in self._validators:
            self._validators[name] = Validator(self.documents[name], registry=self.registry)
        return self._validators[name]

    def errors(self, name, instance):
        """The validation errors of `instance` against schema `name`, one string each."""
        errors = sorted(self.validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
        return [describe(error) for error in errors]


def describe(error):
    where = "/".join(str(part) for part in error.absolute_path) or "(body)"
    message = error.message
    if len(message) > 200:
        message = message[:197] + "..."
    return f"{where}: {message}"


# --- reporting ---------------------------------------------------------------------------------


class Report:
    def __init__(self, verbose):
        self.verbose = verbose
        self.passed = 0
        self.failed = 0

    def ok(self, what):
        self.passed += 1
        if self.verbose:
            print(f"ok   {what}")

    def fail(self, what, why):
        self.failed += 1
        print(f"FAIL {what}: {why}")

    def check(self, what, problems):
        if problems:
            self.fail(what, "; ".join(problems))
        else:
            self.ok(what)

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def rel(path):
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# --- the repository check ----------------------------------------------------------------------


def check_schema_document(schemas, name):
    if name in schemas.load_errors:
        return [schemas.load_errors[name]]
    document = schemas.documents.get(name)
    if document is None:
        return ["missing"]
    try:
        Draft202012Validator.check_schema(document)
    except SchemaError as error:
        return [f"not a valid 2020-12 schema: {describe(error)}"]
    problems = []
    if document.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        problems.append("$schema is not https://json-schema.org/draft/2020-12/schema")
    if document.get("$id") != f"{ID_BASE}{name}.schema.json":
        problems.append(f"$id is not {ID_BASE}{name}.schema.json")
    if name not in (COMMON, REPORT_COMMON):
        title = name.split("/")[-1]
        if document.get("title") != title:
            problems.append(f"title is not {title!r}")
        if document.get("type") != "object" or document.get("additionalProperties") is not False:
            problems.append("not type: object with additionalProperties: false")
    if is_report_schema(name):
        problems += list(closed_objects(document))
    if not problems:
        resolver = schemas.registry.resolver(base_uri=document["$id"])
        for ref in sorted(set(refs(document))):
            try:
                resolver.lookup(ref)
            except Exception:  # referencing.exceptions.Unresolvable and its kin
                problems.append(f"$ref {ref!r} does not resolve")
    return problems


def closed_objects(node, where="#"):
    """Report schemas describe output, where every member is always present (null when unknown): every
    subschema with `properties` must close the object and require each of them."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            if node.get("additionalProperties") is not False:
                yield f"{where}: properties without additionalProperties: false"
            if sorted(node.get("required", [])) != sorted(node["properties"]):
                yield f"{where}: required does not list every property"
        for key, value in node.items():
            yield from closed_objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from closed_objects(value, f"{where}/{index}")


def refs(node):
    """Every `$ref` value in a schema (none of ours nests an `$id`, so all resolve against the root's)."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def check_repository(report):
    schemas = Schemas()
    usable = set()

    # The schemas themselves.
    for name in [COMMON] + TYPES:
        problems = check_schema_document(schemas, name)
        report.check(rel(schema_path(name)), problems)
        if not problems:
            usable.add(name)
    if COMMON not in usable:  # every type schema refers to it
        usable.clear()
    for name in sorted(set(schemas.documents) | set(schemas.load_errors)):
        if not is_report_schema(name) and name != COMMON and name not in TYPES and name not in OUTPUTS:
            report.fail(rel(schema_path(name)), "not a type of VOCABULARY.md")

    # The schemas of command output.
    for name in OUTPUTS:
        report.check(rel(schema_path(name)), check_schema_document(schemas, name))

    # The reports' schemas (their JSON is checked with --reports).
    for name in [REPORT_COMMON] + [report_schema(r) for r in REPORTS]:
        report.check(rel(schema_path(name)), check_schema_document(schemas, name))
    for name in sorted(set(schemas.documents) | set(schemas.load_errors)):
        if is_report_schema(name) and name != REPORT_COMMON and name[len(REPORTS_DIR) + 1 :] not in REPORTS:
            report.fail(rel(schema_path(name)), "not a report of REPORTS.md")

    # One valid example per type.
    for name in TYPES:
        path = EXAMPLES / f"{name}.json"
        if not path.is_file():
            report.fail(rel(path), "missing")
            continue
        if name not in usable:
            report.fail(rel(path), "its schema is missing or broken")
            continue
        try:
            body = load_file(path)
        except (OSError, ValueError) as error:
            report.fail(rel(path), f"cannot read: {error}")
            continue
        report.check(rel(path), schemas.errors(name, body))
    for path in sorted(EXAMPLES.glob("*")):
        if path.is_file() and path.stem not in TYPES:
            report.fail(rel(path), "not named <type>.json for a type of VOCABULARY.md")

    # Invalid examples: each must fail its type's schema.
    covered = set()
    invalid = sorted(INVALID.glob("*")) if INVALID.is_dir() else []
    for path in invalid:
        if not path.is_file():
            continue
        name = path.name.split("--", 1)[0]
        if "--" not in path.name or not path.name.endswith(".json") or name not in TYPES:
            report.fail(rel(path), "not named <type>--<what>.json for a type of VOCABULARY.md")
            continue
        covered.add(name)
        if name not in usable:
            report.fail(rel(path), "its schema is missing or broken")
            continue
        try:
            body = load_file(path)
        except (OSError, ValueError) as error:
            report.ok(f"{rel(path)} (refused by the strict JSON reader: {error})")
            continue
        errors = schemas.errors(name, body)
        if errors:
            report.ok(f"{rel(path)} (refused: {errors[0]})")
        else:
            report.fail(rel(path), f"is valid against {name}.schema.json but should not be")
    for name in TYPES:
        if name not in covered:
            report.fail(rel(INVALID / f"{name}--*.json"), "no invalid example for this type")


# --- the events check --------------------------------------------------------------------------


def check_events(report, source, label):
    schemas = Schemas()
    broken = {name: check_schema_document(schemas, name) for name in [COMMON] + TYPES}
    broken = {name: problems for name, problems in broken.items() if problems}
    for name, problems in broken.items():
        report.fail(rel(schema_path(name)), "; ".join(problems))

    lines = []
    for number, line in enumerate(source, start=1):
        if line.strip():
            lines.append((number, line))

    # First pass: parse, and learn each event id's type so corrections can be checked against it.
    events, type_of_id = [], {}
    for number, line in lines:
        try:
            event = loads(line)
        except ValueError as error:
            events.append((number, None, f"not JSON: {error}"))
            continue
        if not isinstance(event, dict):
            events.append((number, None, "not a JSON object"))
            continue
        events.append((number, event, None))
        if isinstance(event.get("id"), str) and isinstance(event.get("type"), str):
            type_of_id[event["id"]] = event["type"]

    for number, event, parse_error in events:
        what = f"{label}:{number}"
        if parse_error:
            report.fail(what, parse_error)
            continue
        kind = event.get("type")
        if isinstance(event.get("office"), str) and isinstance(event.get("seq"), int):
            what += f" {event['office']}#{event['seq']}"
        elif isinstance(event.get("id"), str):
            what += f" {event['id'][:16]}"
        if not isinstance(kind, str):
            report.fail(what, "no string member \"type\"")
            continue
        what += f" {kind}"
        if "body" not in event:
            report.fail(what, "no member \"body\"")
            continue
        if kind not in TYPES:
            # Kept and verified, left out of the fold (a finding): nothing of the vocabulary to check.
            report.ok(f"{what} (a type VOCABULARY.md does not know: inert, not checked)")
            continue
        if kind in broken or COMMON in broken:
            report.fail(what, "its schema is missing or broken")
            continue
        body = event["body"]
        problems = schemas.errors(kind, body)
        if not problems and kind == "event.corrected":
            corrected = type_of_id.get(body["event"])
            if corrected == "event.corrected":
                problems = ["event: a correction cannot correct a correction"]
            elif corrected in TYPES and corrected not in broken:
                problems = [f"replacement/{p}" for p in schemas.errors(corrected, body["replacement"])]
                problems = [p.replace("replacement/(body)", "replacement") for p in problems]
            elif corrected is not None:
                problems = [f"event: corrects an event of unknown type {corrected!r}"]
            # A corrected event not in FILE: only the body's own schema can be checked.
        report.check(what, problems)


# --- the reports check -------------------------------------------------------------------------


def check_reports(report, folder):
    """Checks every DIR/NAME.json against reports/NAME.schema.json."""
    schemas = Schemas()
    names = [COMMON, REPORT_COMMON] + [report_schema(r) for r in REPORTS]
    broken = {name: check_schema_document(schemas, name) for name in names}
    broken = {name: problems for name, problems in broken.items() if problems}
    for name, problems in broken.items():
        report.fail(rel(schema_path(name)), "; ".join(problems))

    found = 0
    for path in sorted(folder.glob("*.json")):
        if not path.is_file():
            continue
        name = path.stem
        if name not in REPORTS:
            report.fail(rel(path), f"not named NAME.json for a report ({', '.join(REPORTS)})")
            continue
        found += 1
        schema = report_schema(name)
        if schema in broken or COMMON in broken or REPORT_COMMON in broken:
            report.fail(rel(path), "its schema is missing or broken")
            continue
        try:
            document = load_file(path)
        except (OSError, ValueError) as error:
            report.fail(rel(path), f"cannot read: {error}")
            continue
        report.check(rel(path), schemas.errors(schema, document))
    if found == 0:
        report.fail(rel(folder), f"no report JSON in it ({', '.join(r + '.json' for r in REPORTS)})")


# --- the findings check ------------------------------------------------------------------------


def check_findings(report, text, label):
    """Checks the output of `civic findings --format json` against findings.schema.json."""
    schemas = Schemas()
    broken = [problem for name in [COMMON, "findings"] for problem in check_schema_document(schemas, name)]
    if broken:
        report.fail(rel(schema_path("findings")), "; ".join(broken))
        return
    try:
        document = loads(text)
    except ValueError as error:
        report.fail(label, f"not JSON: {error}")
        return
    report.check(label, schemas.errors("findings", document))


# --- main --------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Check the vocabulary's and the reports' JSON Schemas and examples, "
        "or event bodies or report JSON against them."
    )
    parser.add_argument(
        "--events", metavar="FILE", help="JSON lines as printed by `civic log --format json` (- for stdin)"
    )
    parser.add_argument(
        "--reports",
        metavar="DIR",
        help=f"a folder of report JSON (NAME.json, NAME in {', '.join(REPORTS)}), "
        "as written by `civic report all --format json --out DIR`",
    )
    parser.add_argument("--findings", metavar="FILE", help="the output of `civic findings --format json` (- for stdin)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print the checks that pass")
    args = parser.parse_args(argv)

    report = Report(args.verbose)
    if args.reports is not None and not Path(args.reports).is_dir():
        print(f"check-schemas: {args.reports}: not a directory", file=sys.stderr)
        return 2
    if args.findings is not None:
        try:
            text = sys.stdin.read() if args.findings == "-" else Path(args.findings).read_text(encoding="utf-8")
        except OSError as error:
            print(f"check-schemas: {error}", file=sys.stderr)
            return 2
        check_findings(report, text, args.findings)
    elif args.events is None and args.reports is None:
        check_repository(report)
    elif args.events == "-":
        check_events(report, sys.stdin, "stdin")
    elif args.events is not None:
        try:
            with open(args.events, encoding="utf-8") as file:
                check_events(report, file, args.events)
        except OSError as error:
            print(f"check-schemas: {error}", file=sys.stderr)
            return 2
    if args.reports is not None:
        check_reports(report, Path(args.reports))
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
