"""Parse a Dockerfile with BuildKit's own parser (PyPI `dockerfile`) and print its
instructions as JSON: [{"cmd", "flags", "value", "json"}]. Exit 1 on a parse error."""
import json
import sys

import dockerfile

try:
    commands = dockerfile.parse_file(sys.argv[1])
except dockerfile.GoParseError as error:
    print(f"parse error: {error}", file=sys.stderr)
    sys.exit(1)
print(json.dumps([
    {"cmd": c.cmd.upper(), "flags": list(c.flags), "value": list(c.value), "json": c.json}
    for c in commands
]))
