"""Read the project's imports as text (ast) and check them against the layering rules.

Nothing is imported or run, so a broken module or a cycle cannot hide from the check.
Imports inside functions count: they hide a cycle from Python at import time, they do not
remove it. Imports under ``if TYPE_CHECKING:`` never run, so they do not count.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Lowest first: a module may import its own layer or lower ones only.
LAYERS = {"kernel": 0, "schedules": 1, "overlays": 2, "orchestrator": 3}
SANDBOX = "orchestrator.sandbox"
# The entry points, and the only modules allowed to import each of them.
ENTRY_IMPORTERS = {
    "orchestrator.app": {"orchestrator.serve", "orchestrator.cli"},
    "orchestrator.serve": {"orchestrator.cli"},
    "orchestrator.cli": set(),
}
WIRING_IMPORTER = "orchestrator.app"


@dataclass(frozen=True)
class Import:
    """One imported name: who imports it, where, and what it resolves to."""

    source: str
    path: str
    line: int
    statement: str
    target: str | None  # the project module it resolves to; None for anything else
    in_function: bool
    commented: bool

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}: `{self.statement}`"


def find_modules(root: Path, packages: tuple[str, ...] = tuple(LAYERS)) -> dict[str, Path]:
    """Map each module name under ``packages`` to its file; a package is its __init__.py."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def load(root: Path, packages: tuple[str, ...] = tuple(LAYERS)) -> list[Import]:
    """Every import in every module under ``packages``, one entry per module it reaches."""
    modules = find_modules(root, packages)
    found = []
    for name, path in modules.items():
        text = path.read_text(encoding="utf-8")
        reader = _Reader(name, path.relative_to(root).as_posix(), text, set(modules))
        reader.visit([ast.parse(text, str(path))], in_function=False)
        found.extend(reader.found)
    return found


class _Reader:
    """Walk one module's tree, collecting its imports."""

    def __init__(self, name: str, path: str, text: str, known: set[str]) -> None:
        self.name, self.path, self.known = name, path, known
        self.package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
        self.trailing, self.own_line = _comment_lines(text)
        self.found: list[Import] = []

    def visit(self, nodes: Iterable[ast.AST], in_function: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                self.visit(node.orelse, in_function)
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                self.record(node, in_function)
            nested = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            self.visit(ast.iter_child_nodes(node), in_function or nested)

    def record(self, node: ast.Import | ast.ImportFrom, in_function: bool) -> None:
        lines = range(node.lineno, (node.end_lineno or node.lineno) + 1)
        commented = node.lineno - 1 in self.own_line or any(n in self.trailing for n in lines)
        targets = dict.fromkeys(self.resolve(name) for name in self.candidates(node))
        statement = ast.unparse(node)
        for target in [t for t in targets if t != self.name]:
            where = (self.name, self.path, node.lineno, statement)
            self.found.append(Import(*where, target, in_function, commented))

    def candidates(self, node: ast.Import | ast.ImportFrom) -> list[str]:
        """The dotted names a statement may load, most specific first for each name."""
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        base = node.module or ""
        if node.level:
            parts = self.package.split(".")
            if node.level - 1 > len(parts):
                return []
            kept = parts[: len(parts) - (node.level - 1)]
            base = ".".join([*kept, base] if base else kept)
        return [f"{base}.{alias.name}" for alias in node.names]

    def resolve(self, dotted: str) -> str | None:
        """The longest known module that ``dotted`` starts with, if any."""
        while dotted and dotted not in self.known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (any module's attribute of that name)."""
    if isinstance(test, ast.Attribute):
        return test.attr == "TYPE_CHECKING"
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def _comment_lines(text: str) -> tuple[set[int], set[int]]:
    """Line numbers holding any comment, and those holding only a comment."""
    anywhere, own_line = set(), set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            anywhere.add(row)
            if not token.line[:col].strip():
                own_line.add(row)
    return anywhere, own_line


def cycles(imports: list[Import]) -> list[str]:
    """One message per import cycle: its modules, then the imports that close it."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        graph.setdefault(imp.source, set())
        if imp.target:
            graph[imp.source].add(imp.target)
    messages = []
    for component in _strong_components(graph):
        members = set(component)
        edges = [
            f"  {imp.where} -> {imp.target}" + (" (inside a function)" if imp.in_function else "")
            for imp in imports
            if imp.source in members and imp.target in members
        ]
        head = f"cycle of {len(component)} modules: {', '.join(component)}"
        messages.append("\n".join([head, *edges]))
    return messages


def _strong_components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one node, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    work: list[tuple[str, Iterator[str]]] = []
    found = []

    def enter(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        work.append((node, iter(sorted(graph.get(node, ())))))

    for start in sorted(graph):
        if start in index:
            continue
        enter(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    enter(child)
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while not component or component[-1] != node:
                        component.append(stack.pop())
                        on_stack.discard(component[-1])
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def wrong_way(imports: list[Import]) -> list[str]:
    """One message per import that breaks a layering, sandbox, entry-point or wiring rule."""
    messages = []
    for imp in imports:
        if imp.target and (reason := _broken_rule(imp.source, imp.target)):
            messages.append(f"{imp.where} -> {imp.target}: {reason}")
    return messages


def _broken_rule(source: str, target: str) -> str | None:
    low, high = source.split(".")[0], target.split(".")[0]
    if LAYERS[high] > LAYERS[low]:
        return f"{low} (layer {LAYERS[low]}) must not import {high} (layer {LAYERS[high]})"
    boxed = [f"{name}.".startswith(f"{SANDBOX}.") for name in (source, target)]
    if boxed == [True, False] and high == "orchestrator":
        return "the sandbox imports nothing from orchestrator outside itself"
    if target in ENTRY_IMPORTERS and source not in ENTRY_IMPORTERS[target]:
        allowed = " or ".join(sorted(ENTRY_IMPORTERS[target]))
        return f"only {allowed} may import {target}" if allowed else f"nothing imports {target}"
    if target.rpartition(".")[2] == "wiring" and source != WIRING_IMPORTER:
        return f"a package's wiring is imported only by {WIRING_IMPORTER}"
    return None


def uncommented(imports: list[Import]) -> list[str]:
    """file:line and statement of each import inside a function with no comment saying why."""
    return list(dict.fromkeys(i.where for i in imports if i.in_function and not i.commented))
