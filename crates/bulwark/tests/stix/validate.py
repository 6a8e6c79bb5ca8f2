"""Validates STIX 2.1 files with the OASIS validator (stix2-validator).

Usage: validate.py SCHEMA_DIR FILE...

The 3.3.1 wheel ships without the OASIS JSON schemas it validates against
first; SCHEMA_DIR (the OASIS `schemas` folder) stands in for them. Prints
one JSON line per file: {"file", "valid", "errors": [...], "warnings": [...]}.
Exit status 3 when stix2-validator is missing.
"""

import json
import sys

try:
    import stix2validator.validator as validator
    from stix2validator import ValidationOptions, validate_file
except ImportError:
    print("stix2-validator is not installed (pip install stix2-validator)", file=sys.stderr)
    sys.exit(3)


def main(schema_dir, files):
    built_in = validator._get_error_generator

    def with_schemas(name, obj, dir=None, version="2.1", default="core"):
        return built_in(name, obj, dir or schema_dir, version, default)

    validator._get_error_generator = with_schemas
    options = ValidationOptions(version="2.1")
    for path in files:
        result = validate_file(path, options)
        errors, warnings = [], []
        for r in result.object_results or []:
            errors += [f"{r.object_id}: {e}" for e in r.errors or []]
            warnings += [f"{r.object_id}: {w}" for w in r.warnings or []]
        if result.fatal:
            errors.append(str(result.fatal))
        print(json.dumps({"file": path, "valid": bool(result.is_valid), "errors": errors, "warnings": warnings}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
