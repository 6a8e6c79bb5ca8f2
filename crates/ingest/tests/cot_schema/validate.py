"""Validates CoT events against MITRE's CoT 2.0 base event schema with lxml.

Usage: validate.py SCHEMA.xsd EVENT_FILE...

Prints one JSON line per file: {"file", "valid", "errors": [...]}. An event
that is not well-formed XML is invalid with the parser's message. Entities
are not resolved and nothing is fetched. Exit status 3 when lxml is missing.
"""

import json
import sys

try:
    from lxml import etree
except ImportError:
    print("lxml is not installed (pip install lxml)", file=sys.stderr)
    sys.exit(3)


def main(schema_path, files):
    schema = etree.XMLSchema(etree.parse(schema_path))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        try:
            doc = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as e:
            print(json.dumps({"file": path, "valid": False, "errors": [f"not XML: {e}"]}))
            continue
        valid = schema.validate(doc)
        errors = [e.message for e in schema.error_log]
        print(json.dumps({"file": path, "valid": valid, "errors": errors}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
