"""Differential oracle: dump CPython's ast positions for each file as JSON.

For every node with a position: [type, lineno, col_offset, end_lineno,
end_col_offset, value], value being the decoded str/bytes of a Constant
(bytes as latin-1) or null. f-string parts (FormattedValue, and Constants and
JoinedStrs inside a JoinedStr) are left out: before 3.12 CPython gives them
the whole string's span. Patterns, and everything inside them, are left out: djsquash keeps them as
spans.
"""
import ast
import json
import sys


def dump(path):
    with open(path, "rb") as f:
        src = f.read()
    tree = ast.parse(src)
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for v in node.values:
                skip.add(id(v))
                if isinstance(v, ast.FormattedValue) and v.format_spec is not None:
                    for w in ast.walk(v.format_spec):
                        if not isinstance(w, ast.expr) or isinstance(w, (ast.JoinedStr, ast.FormattedValue, ast.Constant)):
                            skip.add(id(w))
    for node in ast.walk(tree):
        if isinstance(node, ast.pattern):
            for w in ast.walk(node):
                skip.add(id(w))
    out = []
    for node in ast.walk(tree):
        if id(node) in skip or not hasattr(node, "end_col_offset") or isinstance(node, ast.pattern):
            continue
        if node.end_col_offset is None:
            continue
        value = None
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            value = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
        out.append([type(node).__name__, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, value])
    return out


print(json.dumps({p: dump(p) for p in sys.argv[1:]}))
