"""The shape of app/ (issue 15), read from the code's own imports:

- domain/, pdf/ and services/ never import the API or a blueprint (they depend downward only);
- domain/ and pdf/ import neither Flask nor the database;
- the imports a module makes when it is loaded form no cycle.

Imports inside functions run later and are left out of the cycle check. create_app's steps in app/__init__.py make
theirs on purpose (its docstring says why); elsewhere the few left are lazy loads of heavy libraries or break a real
cycle, and the count is held down so that a new one is a choice, not a habit."""
from __future__ import annotations

import ast
import textwrap
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
BLUEPRINTS = ("app.api", "app.auth", "app.debt", "app.relief", "app.approvals", "app.letters", "app.reports",
              "app.admin", "app.people", "app.main", "app.audit", "app.export_jobs")
MAX_FUNCTION_IMPORTS = 4  # pdf/ loading ReportLab and PyThaiNLP parts lazily


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, module: str, is_package: bool, top_level_only: bool) -> list[str]:
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append(target)
            found += [f"{target}.{alias.name}" for alias in node.names]  # `from app import programmes`
    return [name for name in found if name == "app" or name.startswith("app.")]


def _graph(top_level_only: bool) -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in APP.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        targets = _imports(tree, name, path.name == "__init__.py", top_level_only)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def _function_imports() -> list[str]:
    found = []
    for path in APP.rglob("*.py"):
        if path == APP / "__init__.py":
            continue
        tree = ast.parse(path.read_text())
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top:
                found.append(f"{path.relative_to(APP.parent)}:{node.lineno}")
    return found


def test_lower_layers_never_import_the_api_or_a_blueprint():
    graph = _graph(top_level_only=False)
    offenders = sorted(f"{module} -> {target}" for module, targets in graph.items()
                       if module.startswith(("app.domain", "app.services", "app.pdf", "app.models", "app.programmes"))
                       for target in targets if target.startswith(BLUEPRINTS))
    assert offenders == []


def test_domain_and_pdf_import_neither_flask_nor_the_database():
    offenders = []
    for path in [*(APP / "domain").rglob("*.py"), *(APP / "pdf").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if n.split(".")[0] in ("flask", "flask_sqlalchemy", "sqlalchemy", "flask_babel")
                          or n.startswith(("app.models", "app.extensions", "app.services"))]
    assert offenders == []


def test_the_imports_made_at_load_time_form_no_cycle():
    graph = _graph(top_level_only=True)
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_imports_inside_functions_stay_few():
    found = _function_imports()
    assert len(found) <= MAX_FUNCTION_IMPORTS, "\n".join(found)


TESTS = Path(__file__).resolve().parent
SHARED_TEST_MODULES = {"tests.helpers", "tests.factories", "tests.pdf.helpers",
                       "tests.domain.exact_reference",  # the domain tests' independent reference arithmetic
                       "tests.jobs.workers",  # the job-engine tests' real processes and backends
                       "tests.e2e.steps"}  # steps the browser journeys share (answering a confirmation)


def _test_module_imports(path: Path) -> list[str]:
    """The tests.* modules a file under tests/ imports, in its code and in scripts it hands to a child process."""
    package = path.relative_to(TESTS.parent).with_suffix("").parts[:-1]
    trees = [ast.parse(path.read_text())]
    for node in ast.walk(trees[0]):  # e.g. the CHILD script of tests/services/test_killed_jobs.py
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "import" in node.value:
            try:
                trees.append(ast.parse(textwrap.dedent(node.value)))
            except SyntaxError:
                pass
    found = []
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = ".".join([*package[: len(package) - node.level + 1], node.module or ""] if node.level
                                else [node.module or ""]).strip(".")
                for alias in node.names:  # `from tests.domain import exact_reference` names a module
                    module = f"{base}.{alias.name}"
                    is_module = (TESTS.parent.joinpath(*module.split(".")).with_suffix(".py").exists()
                                 or TESTS.parent.joinpath(*module.split("."), "__init__.py").exists())
                    found.append(module if is_module else base)
    return [name for name in found if name == "tests" or name.startswith("tests.")]


def test_no_test_module_imports_another():
    """Shared helpers live in tests/helpers.py, tests/factories.py and tests/pdf/helpers.py; a test module that
    imported another would run its tests' module code, and tie the two together (issue 15)."""
    offenders = sorted(f"{path.relative_to(TESTS.parent)} imports {module}" for path in TESTS.rglob("*.py")
                       for module in _test_module_imports(path) if module not in SHARED_TEST_MODULES)
    assert offenders == []
