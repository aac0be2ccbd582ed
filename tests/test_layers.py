"""The package's layers import one way, at the top of each file, and without cycles.

    core ─► design ─► pipeline ─┐
                  └─► study ────┴─► plots ─► entry

A module may import its own layer and the layers left of it; pipeline and study are
siblings (the study reads what the pipeline wrote, it never trains or evaluates).
"""

import ast
from pathlib import Path

import lndp

PACKAGE = Path(lndp.__file__).parent
CORE = {"__init__", "config", "tasks", "graph", "model", "rollout", "strategies", "train",
        "batch", "provenance", "runfolder", "authors", "envs"}
PLOTS = {"plots", "animation"}
ENTRY = {"__main__", "book", "bench", "colab"}
RANK = {"core": 0, "design": 1, "pipeline": 2, "study": 2, "plots": 3, "entry": 4}
#: colab.py runs before the package is installed (standard library only until its last
#: step, which imports lndp to print the devices): its one lndp import must be late
LATE_IMPORT_ALLOWED = {"colab"}


def layer(module: str) -> str:
    """'lndp.design.plan' → 'design'; 'lndp.model' → 'core'."""
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else "__init__"
    if head in ("design", "pipeline", "study"):
        return head
    if head in CORE:
        return "core"
    if head in PLOTS:
        return "plots"
    if head in ENTRY:
        return "entry"
    raise AssertionError(f"{module}: a module no layer lists (add it to tests/test_layers.py)")


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(("lndp", *path.relative_to(PACKAGE).with_suffix("").parts))
        found[name.removesuffix(".__init__")] = ast.parse(path.read_text())
    return found


def lndp_imports(tree: ast.Module, top_only: bool) -> list[tuple[str, int]]:
    nodes = tree.body if top_only else ast.walk(tree)
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "lndp"]
        elif isinstance(node, ast.ImportFrom) and node.module and \
                node.module.split(".")[0] == "lndp":
            # `from lndp import plots` imports the module lndp.plots
            found += [(f"{node.module}.{a.name}" if node.module == "lndp" else node.module,
                       node.lineno) for a in node.names]
    return found


def test_every_import_of_lndp_is_at_the_top_of_its_file():
    late = []
    for name, tree in modules().items():
        top = set(lndp_imports(tree, top_only=True))
        late += [f"{name}:{line} imports {target}" for target, line in
                 lndp_imports(tree, top_only=False) if (target, line) not in top
                 and name.split(".")[-1] not in LATE_IMPORT_ALLOWED]
    assert not late, "imports of lndp inside functions:\n" + "\n".join(late)


def test_no_layer_imports_a_layer_above_it_and_study_never_imports_the_pipeline():
    wrong = []
    for name, tree in modules().items():
        here = layer(name)
        for target, line in lndp_imports(tree, top_only=False):
            if target == "lndp":
                continue
            there = layer(target)
            if RANK[there] > RANK[here] or (here, there) in (("study", "pipeline"),
                                                             ("pipeline", "study")):
                wrong.append(f"{name} ({here}) :{line} imports {target} ({there})")
    assert not wrong, "\n".join(wrong)


def test_the_core_imports_nothing_but_the_core():
    for name, tree in modules().items():
        if layer(name) == "core":
            assert all(layer(t) == "core" for t, _ in lndp_imports(tree, top_only=False)
                       if t != "lndp"), name


def test_there_are_no_import_cycles():
    graph = {name: {t if t in modules() else t.rsplit(".", 1)[0]
                    for t, _ in lndp_imports(tree, top_only=False)} - {name, "lndp"}
             for name, tree in modules().items()}
    state: dict[str, int] = {}

    def visit(node, path):
        if state.get(node) == 1:
            raise AssertionError("import cycle: " + " → ".join([*path, node]))
        if state.get(node) == 2:
            return
        state[node] = 1
        for nxt in graph.get(node, ()):
            visit(nxt, [*path, node])
        state[node] = 2

    for name in graph:
        visit(name, [])


def test_the_layer_check_would_catch_a_core_module_importing_the_study():
    tree = ast.parse("from lndp.study.rules import RULES\n\ndef f():\n    import lndp.plots\n")
    targets = [t for t, _ in lndp_imports(tree, top_only=False)]
    assert [layer(t) for t in targets] == ["study", "plots"]
    assert [t for t, _ in lndp_imports(tree, top_only=True)] == ["lndp.study.rules"]
