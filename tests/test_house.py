"""The house rules a reader relies on: small modules and functions, each
module saying first what it owns, and no import cycles in ``src/zcron``.

``interfaces.py`` is the contract and may be long, as Pyramid's is.
"""
import ast
import pathlib

import pytest

SRC = pathlib.Path(__file__).resolve().parent.parent / "src" / "zcron"
MODULE_LINES = 300
FUNCTION_LINES = 40
COMPLEXITY = 12
LONG_ALLOWED = {"interfaces.py"}
BRANCHES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.With,
            ast.AsyncWith, ast.IfExp, ast.Assert, ast.match_case)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def modules():
    return sorted(SRC.rglob("*.py"))


def name_of(path):
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def parsed(path):
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def complexity(function):
    """McCabe's count: one path, plus one per branch and boolean operand
    (nested functions count for themselves)."""
    count, todo = 1, list(ast.iter_child_nodes(function))
    while todo:
        node = todo.pop()
        if isinstance(node, FUNCTIONS + (ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, BRANCHES):
            count += 1
        elif isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
        todo.extend(ast.iter_child_nodes(node))
    return count


def functions(tree):
    return [node for node in ast.walk(tree) if isinstance(node, FUNCTIONS)]


def test_complexity_counts_branches():
    tree = ast.parse("def f(a, b):\n    if a and b:\n        return [x for x in a if x]\n"
                     "    for y in b:\n        pass\n    def g():\n        if a: pass\n")
    assert complexity(functions(tree)[0]) == 1 + 1 + 1 + 2 + 1
    assert complexity(functions(tree)[1]) == 2


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_module_is_small_and_says_what_it_owns(path):
    tree = parsed(path)
    doc = ast.get_docstring(tree)
    assert doc and doc.strip(), f"{name_of(path)} has no docstring saying what it owns"
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if path.name not in LONG_ALLOWED:
        assert lines <= MODULE_LINES, f"{name_of(path)}: {lines} lines"
    too_big = [f"{node.name} (line {node.lineno}): {node.end_lineno - node.lineno + 1} "
               f"lines, complexity {complexity(node)}"
               for node in functions(tree)
               if node.end_lineno - node.lineno + 1 > FUNCTION_LINES
               or complexity(node) > COMPLEXITY]
    assert too_big == []


def imported_at_load(path, known):
    """The zcron modules ``path`` imports when it is loaded (imports inside
    functions run later and cannot make a cycle at import time)."""
    package = name_of(path) if path.name == "__init__.py" else name_of(path).rpartition(".")[0]
    found = set()
    for node in parsed(path).body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            # importing a.b.c loads the packages a and a.b first, except
            # those already loading because they hold the importer itself
            while name and name in known:
                if not (name_of(path) + ".").startswith(name + "."):
                    found.add(name)
                name = name.rpartition(".")[0]
    return found


def cycles_in(graph):
    """Each cycle found by a depth-first walk of ``graph`` (name -> names)."""
    found, state = [], {}

    def visit(name, trail):
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                found.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return found


def test_cycles_are_found():
    assert cycles_in({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles_in({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_no_import_cycles():
    paths = {name_of(path): path for path in modules()}
    graph = {name: imported_at_load(path, paths) - {name} for name, path in paths.items()}
    assert cycles_in(graph) == []
