"""Differential oracle: CPython's compile() verdict for each file, as JSON
{path: null | "message"} (null when it compiles)."""
import json
import sys

out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        src = f.read()
    try:
        compile(src, path, "exec", dont_inherit=True)
        out[path] = None
    except (SyntaxError, ValueError) as e:
        out[path] = "%s: %s" % (type(e).__name__, e)
json.dump(out, sys.stdout)
