"""What pip's own requirements-file reader makes of each line of a file, as JSON.

Usage: python3 pip_reads.py FILE...

For each FILE, one JSON value on its own line: the list of logical lines pip's
RequirementsFileParser yields (pip/_internal/req/req_file.py, without following includes), or
{"error": MESSAGE} when pip refuses a line. RequirementsFileTests compares mlenv's reader with
this, line by line, on a corpus of tricky files.
"""

import json
import sys

from pip._internal.req.req_file import RequirementsFileParser, build_parser, get_line_parser

DEFAULTS = build_parser().get_default_values()
# The options whose value is kept per line, by optparse destination, as pip spells them.
NAMES = {
    "index_url": "--index-url",
    "extra_index_urls": "--extra-index-url",
    "no_index": "--no-index",
    "find_links": "--find-links",
    "format_control": None,  # --no-binary / --only-binary: compared by presence only
    "prefer_binary": "--prefer-binary",
    "require_hashes": "--require-hashes",
    "pre": "--pre",
    "trusted_hosts": "--trusted-host",
    # --use-feature is left out: optparse's shared list default collects it across lines.
}


def read(path):
    parser = RequirementsFileParser(None, get_line_parser(None))
    lines = []
    for line in parser._parse_file(path, constraint=False):
        opts = line.opts
        hashes = sorted(f"{algo}:{digest}" for algo, digests in (opts.hashes or {}).items() for digest in digests)
        # pip 23 has `is_requirement`; pip 25 and later a `requirement` that is None otherwise.
        if hasattr(line, "is_requirement"):
            is_requirement = line.is_requirement
            editable = is_requirement and line.is_editable
        else:
            is_requirement = line.requirement is not None
            editable = not line.args and bool(opts.editables)
        if is_requirement:
            lines.append(
                {"line": line.lineno, "kind": "requirement", "text": line.requirement,
                 "editable": editable, "hashes": hashes})
        elif opts.requirements or opts.constraints:
            include = opts.requirements[0] if opts.requirements else opts.constraints[0]
            lines.append(
                {"line": line.lineno, "kind": "include", "text": include,
                 "constraints": not opts.requirements})
        else:
            options = []
            for dest, name in NAMES.items():
                value = getattr(opts, dest, None)
                default = None if dest == "index_url" else getattr(DEFAULTS, dest, None)
                if name and value and value != default:
                    values = value if isinstance(value, list) else [value]
                    options += [[name, v if isinstance(v, str) else None] for v in values]
            lines.append({"line": line.lineno, "kind": "options", "options": options})
    return lines


for path in sys.argv[1:]:
    try:
        print(json.dumps(read(path)))
    except Exception as error:  # pip's own refusal: RequirementsFileParseError and the like
        print(json.dumps({"error": str(error)}))
