"""Parse Dockerfiles with BuildKit's own parser (PyPI `dockerfile`) and print their
instructions as JSON: [{"cmd", "flags", "value", "json"}] for one file, or
{path: [...] or {"error": message}} for several. Exit 1 on a parse error of a single file."""
import json
import sys

import dockerfile


def instructions(path):
    return [
        {"cmd": c.cmd.upper(), "flags": list(c.flags), "value": list(c.value), "json": c.json}
        for c in dockerfile.parse_file(path)
    ]


paths = sys.argv[1:]
if len(paths) == 1:
    try:
        print(json.dumps(instructions(paths[0])))
    except dockerfile.GoParseError as error:
        print(f"parse error: {error}", file=sys.stderr)
        sys.exit(1)
else:
    result = {}
    for path in paths:
        try:
            result[path] = instructions(path)
        except dockerfile.GoParseError as error:
            result[path] = {"error": str(error)}
    print(json.dumps(result))
