"""Rooms with doors (STYLE.md convention 11, docs/architecture.md): which app may import what.

The source is read with ``ast``, never imported, so an import hidden in a function, behind
``TYPE_CHECKING`` or in ``try/except ImportError`` counts as much as one at the top. Besides
``import`` statements, the checker sees the other ways Python code reaches a module: dotted
paths in strings (``importlib.import_module("apps.x.y")``, the reports' indicator sources),
f-strings that build one (``f"apps.{domain}.demo"``: any app), and model labels
(``"unions.GrassrootsUnion"`` in a foreign key).

Tests (``apps/*/tests``) may import anything, and migrations are generated from the models,
which are checked. ``RULES`` below is the table of docs/architecture.md; the doc's table and
diagram are compared with it, so the picture cannot drift from what is enforced.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"

# What each app may import besides itself: "core" is any module of apps.core; "unions.public"
# that module only; "*.selectors" the selectors of any domain (likewise "*.demo").
RULES: dict[str, tuple[str, ...]] = {
    "core": (),
    "unions": ("core",),
    "competitions": ("core", "unions.public"),
    "model_workers": ("core", "unions.public"),
    "hardship": ("core", "unions.public"),
    "insurance": ("core", "unions.public"),
    "services": ("core", "unions.public"),
    "reports": ("core", "unions.public", "*.selectors", "*.demo"),
}
DOMAINS = ("unions", "competitions", "model_workers", "hardship", "insurance", "services")
KINDS = {"core": "base", "reports": "reports", **dict.fromkeys(DOMAINS, "domain")}
ANY_APP = "*"  # the app of a path built at run time (an f-string)


@dataclass(frozen=True)
class Edge:
    path: str  # the importing file, relative to the root
    line: int
    source_app: str
    target: str  # dotted module path: apps.<app>[.<module>...]; <app> may be "*"

    @property
    def target_app(self) -> str:
        return self.target.split(".")[1]

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.target}"


def _module_of(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str, root: Path) -> bool:
    base = root.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _longest_module(dotted: str, root: Path) -> str:
    """``apps.x.selectors`` of ``apps.x.selectors.x_indicators`` (a path to a function)."""
    parts = dotted.split(".")
    for end in range(len(parts), 2, -1):
        if _is_module(".".join(parts[:end]), root):
            return ".".join(parts[:end])
    return dotted


MODEL_LABEL = re.compile(r"^([a-z_]+)\.([A-Z]\w*)$")
DOTTED = re.compile(r"^apps\.[a-z_]+(\.\w+)*$")


def _public_names(root: Path) -> set[str]:
    """The names of ``apps/unions/public.py``'s ``__all__`` (read, not imported)."""
    path = root / "apps" / "unions" / "public.py"
    if not path.is_file():
        return set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            return {elt.value for elt in node.value.elts if isinstance(elt, ast.Constant)}
    return set()


def edges_of(path: Path, root: Path, *, public: set[str] | frozenset[str] = frozenset()) -> list[Edge]:
    """Every reference from ``path`` (a module under root/apps) to a module of an app."""
    module = _module_of(path, root)
    app = module.split(".")[1]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    apps_on_disk = {p.name for p in (root / "apps").iterdir() if p.is_dir()}
    rel = str(path.relative_to(root))
    found: list[Edge] = []

    def add(node: ast.AST, target: str) -> None:
        if target == "apps" or not target.startswith("apps."):
            return
        found.append(Edge(rel, node.lineno, app, target))

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(node, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                add(node, candidate if _is_module(candidate, root) else base)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if DOTTED.match(value):
                add(node, _longest_module(value, root))
            elif (m := MODEL_LABEL.match(value)) and m.group(1) in apps_on_disk:
                label, model = m.groups()
                in_public = label == "unions" and model in public
                add(node, "apps.unions.public" if in_public else f"apps.{label}.models")
        elif isinstance(node, ast.JoinedStr):
            head = node.values[0] if node.values else None
            if isinstance(head, ast.Constant) and str(head.value).startswith("apps."):
                add(node, "".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values))
    return found


def source_files(root: Path) -> list[Path]:
    """The code the rules apply to: every module under apps/, except tests and migrations."""
    files = []
    for path in sorted((root / "apps").rglob("*.py")):
        parts = path.relative_to(root / "apps").parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        files.append(path)
    return files


def all_edges(root: Path) -> list[Edge]:
    public = _public_names(root)
    return [edge for path in source_files(root) for edge in edges_of(path, root, public=public)]


def allows(edge: Edge, rules: dict[str, tuple[str, ...]]) -> bool:
    parts = edge.target.split(".")
    target_app, inner = parts[1], parts[2] if len(parts) > 2 else ""
    if target_app == edge.source_app:
        return True
    for rule in rules.get(edge.source_app, ()):
        rule_app, _dot, rule_module = rule.partition(".")
        if rule_app == "*":
            # Any domain's module of that name (a path built at run time reaches any app).
            if (target_app in DOMAINS or target_app == ANY_APP) and inner == rule_module:
                return True
        elif rule_app == target_app and (not rule_module or inner == rule_module):
            return True
    return False


def violations(root: Path, rules: dict[str, tuple[str, ...]] = RULES) -> list[str]:
    """Every reference the rules forbid, and every app the rules do not know."""
    out = []
    for app in sorted(p.name for p in (root / "apps").iterdir() if (p / "apps.py").is_file()):
        if app not in rules:
            out.append(
                f"apps/{app} has no row in the rules (tests/test_architecture.py, docs/architecture.md)"
            )
    for edge in all_edges(root):
        if not allows(edge, rules):
            may = ", ".join(rules.get(edge.source_app, ())) or "nothing outside itself"
            out.append(f"{edge}: {edge.source_app} may import {may}")
    return out


def app_cycles(edges: list[Edge]) -> list[list[str]]:
    """The cycles of the graph of apps (an edge to ``*`` reaches every app)."""
    apps = {e.source_app for e in edges} | ({e.target_app for e in edges} - {ANY_APP})
    graph: dict[str, set[str]] = {a: set() for a in apps}
    for e in edges:
        targets = apps if e.target_app == ANY_APP else {e.target_app}
        graph[e.source_app] |= targets - {e.source_app}
    cycles, state = [], dict.fromkeys(graph, 0)  # 0 new, 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state[nxt] == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif state[nxt] == 0:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if state[start] == 0:
            visit(start, [start])
    return cycles


# The code ---------------------------------------------------------------------------------


def test_every_app_imports_only_what_its_room_allows():
    assert violations(ROOT) == []


def test_no_import_cycle_between_apps():
    assert app_cycles(all_edges(ROOT)) == []


def test_the_checker_sees_the_real_doors():
    """The rules are not vacuous: the edges they allow are found in the code as it is."""
    edges = all_edges(ROOT)
    targets = {(e.source_app, e.target) for e in edges}
    assert ("hardship", "apps.unions.public") in targets
    assert ("insurance", "apps.unions.public") in targets  # also its "unions.Member" foreign key
    assert ("reports", "apps.hardship.selectors") in targets  # an indicator source (a string)
    assert ("reports", "apps.*.demo.generate") in targets  # the demo generators (an f-string)
    assert ("model_workers", "apps.hardship.selectors") not in targets  # the cycle that was
    assert ("reports", "apps.services.selectors") in targets  # the svc.* indicator source
    # Worker services and the hardship page reach each other only through the core registry.
    assert ("services", "apps.core.registry") in targets  # apps.py contributes its records
    assert ("hardship", "apps.core.registry") in targets  # the household page asks for them
    assert not {e for e in edges if {e.source_app, e.target_app} == {"hardship", "services"}}


# The checker, on code that breaks the rules -------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for app in ("core", "unions", "hardship", "model_workers", "insurance", "services", "reports"):
        (tmp_path / "apps" / app).mkdir(parents=True, exist_ok=True)
        (tmp_path / "apps" / app / "__init__.py").write_text("")
        (tmp_path / "apps" / app / "apps.py").write_text("")
    (tmp_path / "apps" / "unions" / "public.py").write_text('__all__ = ["GrassrootsUnion"]\n')
    (tmp_path / "apps" / "unions" / "forms.py").write_text("")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_the_checker_fails_on_a_domain_importing_another_domain(tmp_path):
    # given the cycle this refactoring removed: hardship asks model_workers inside a view,
    # model_workers asks hardship in its selectors
    root = _tree(
        tmp_path,
        {
            "apps/hardship/selectors.py": "X = 1\n",
            "apps/model_workers/selectors.py": "from apps.hardship.selectors import X\n",
            "apps/hardship/views.py": (
                "def flag(ids):\n"
                "    try:\n"
                "        from apps.model_workers.selectors import model_worker_id_numbers\n"
                "    except ImportError:\n"
                "        return None\n"
            ),
        },
    )
    # when / then
    assert violations(root) == [
        "apps/hardship/views.py:3 imports apps.model_workers.selectors: hardship may import core, unions.public",
        "apps/model_workers/selectors.py:1 imports apps.hardship.selectors: "
        "model_workers may import core, unions.public",
    ]
    assert app_cycles(all_edges(root)) == [["hardship", "model_workers", "hardship"]]


@pytest.mark.parametrize(
    ("name", "text", "target"),
    [
        ("apps/hardship/forms.py", "from apps.unions.forms import UnionCodeField\n", "apps.unions.forms"),
        ("apps/hardship/forms.py", "from apps.unions import forms\n", "apps.unions.forms"),
        ("apps/hardship/api/views.py", "from ...insurance.models import Claim\n", "apps.insurance.models"),
        ("apps/hardship/models.py", 'F = "insurance.Claim"\n', "apps.insurance.models"),
        ("apps/hardship/models.py", 'F = "unions.Contract"\n', "apps.unions.models"),
        ("apps/core/views.py", "import apps.hardship.selectors\n", "apps.hardship.selectors"),
        ("apps/core/tasks.py", 'm = import_module("apps.reports.tasks")\n', "apps.reports.tasks"),
        ("apps/reports/services.py", "from apps.hardship.services import x\n", "apps.hardship.services"),
        ("apps/reports/views.py", 'm = import_module(f"apps.{d}.services")\n', "apps.*.services"),
        # the worker services and the hardship page: only through the core registry
        ("apps/hardship/selectors.py", "from apps.services.links import x\n", "apps.services.links"),
        ("apps/hardship/views.py", "from apps.services.selectors import x\n", "apps.services.selectors"),
        ("apps/services/links.py", "from apps.hardship.models import IdClaim\n", "apps.hardship.models"),
        ("apps/services/models.py", 'F = "unions.Member"\n', "apps.unions.models"),
        ("apps/reports/views.py", "from apps.services.links import x\n", "apps.services.links"),
    ],
)
def test_the_checker_fails_on_each_kind_of_forbidden_reference(tmp_path, name, text, target):
    root = _tree(tmp_path, {name: text})
    found = violations(root)
    assert len(found) == 1, found
    assert found[0].startswith(f"{name}:1 imports {target}: ")


def test_the_checker_allows_the_doors_and_skips_tests(tmp_path):
    root = _tree(
        tmp_path,
        {
            "apps/hardship/forms.py": "from apps.unions.public import GrassrootsUnion\nfrom .models import H\n",
            "apps/hardship/models.py": 'U = "unions.GrassrootsUnion"\nR = "core.Region"\n',
            "apps/hardship/tests/test_x.py": "from apps.model_workers.selectors import x\n",
            "apps/reports/indicators.py": 'S = ["apps.hardship.selectors.hs_indicators"]\n',
            "apps/reports/cmd.py": 'm = import_module(f"apps.{d}.demo")\n',
            "apps/reports/sources.py": 'S = ["apps.services.selectors.svc_indicators"]\n',
            "apps/services/apps.py": "from apps.core import registry\n",
            "apps/services/forms.py": "from apps.unions.public import GrassrootsUnion\n",
            "apps/services/tests/test_x.py": "from apps.hardship.tests.factories import x\n",
        },
    )
    assert violations(root) == []


def test_a_new_app_without_a_rule_is_reported(tmp_path):
    root = _tree(tmp_path, {"apps/surveys/apps.py": "", "apps/surveys/__init__.py": ""})
    assert violations(root) == [
        "apps/surveys has no row in the rules (tests/test_architecture.py, docs/architecture.md)"
    ]


# The document -----------------------------------------------------------------------------


def _between(text: str, name: str) -> str:
    m = re.search(rf"<!-- {name}:begin -->(.*?)<!-- {name}:end -->", text, re.S)
    assert m, f"docs/architecture.md has no <!-- {name}:begin --> ... <!-- {name}:end --> block"
    return m.group(1)


def doc_rules(text: str) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """The table of the doc: ``| `app` | kind | `a`, `b` |`` rows (``—`` for nothing)."""
    rules, kinds = {}, {}
    for line in _between(text, "rules").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        app = cells[0].strip("`")
        rules[app] = tuple(re.findall(r"`([^`]+)`", cells[2]))
        kinds[app] = cells[1]
    return rules, kinds


def doc_diagram_edges(text: str) -> set[tuple[str, str]]:
    """``a --> b`` and ``a -->|label| b`` lines of the doc's mermaid diagram."""
    block = _between(text, "diagram")
    return set(re.findall(r"^\s*(\w+)\s*-->(?:\|[^|]*\|)?\s*(\w+)\s*$", block, re.M))


def rule_edges(rules: dict[str, tuple[str, ...]]) -> set[tuple[str, str]]:
    """The app-to-app arrows the rules allow (a ``*.x`` rule reaches every domain)."""
    edges = set()
    for app, allowed in rules.items():
        for rule in allowed:
            target = rule.partition(".")[0]
            for t in DOMAINS if target == "*" else (target,):
                if t != app:
                    edges.add((app, t))
    return edges


def test_the_doc_table_is_the_enforced_rules():
    rules, kinds = doc_rules(DOC.read_text(encoding="utf-8"))
    assert rules == RULES
    assert kinds == KINDS


def test_the_doc_diagram_draws_exactly_the_allowed_arrows():
    assert doc_diagram_edges(DOC.read_text(encoding="utf-8")) == rule_edges(RULES)


def test_the_doc_parsers_read_what_they_should():
    text = (
        "<!-- rules:begin -->\n| App | Kind | May import |\n|---|---|---|\n"
        "| `core` | base | — |\n| `reports` | reports | `core`, `*.selectors` |\n<!-- rules:end -->\n"
        "<!-- diagram:begin -->\n```mermaid\nflowchart LR\n  reports -->|selectors| hardship\n"
        "  hardship --> core\n```\n<!-- diagram:end -->\n"
    )
    assert doc_rules(text) == (
        {"core": (), "reports": ("core", "*.selectors")},
        {"core": "base", "reports": "reports"},
    )
    assert doc_diagram_edges(text) == {("reports", "hardship"), ("hardship", "core")}
