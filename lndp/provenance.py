"""Which code made a run, and on what machine: the code hash, the model version, the CPU.

A run's numbers depend on the behaviour modules (`BEHAVIOUR_MODULES`) and, bit for bit,
on the CPU kind and the instruction set XLA compiled for (the same config gives other
low-order bits on an AVX2 machine than on an AVX-512 one). `code_hash` fingerprints the
first; `machine` records the second, so a reader can tell where a run replays exactly.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import os
import platform
import re
from pathlib import Path

import jax

#: the modules that decide what a run computes (not plotting, statistics or the CLI);
#: train.py holds the jitted generation as well as the run-folder bookkeeping, batch.py
#: the generation of several runs in one program
BEHAVIOUR_MODULES = ("config.py", "tasks.py", "graph.py", "model.py", "rollout.py",
                     "strategies.py", "train.py", "batch.py", "envs/__init__.py",
                     "envs/foraging.py")
#: the packages whose versions a run records
PACKAGES = ("jax", "jaxlib", "flax", "evosax", "gymnax", "numpy")
_ROOT = Path(__file__).resolve().parent


class _Wording(ast.NodeTransformer):
    """Drops docstrings (and, with `fstrings`, f-strings): what only words things."""

    def __init__(self, fstrings: bool):
        self.fstrings = fstrings

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return ast.Constant("<text>") if self.fstrings else self.generic_visit(node)

    def _body(self, node):
        self.generic_visit(node)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        return node

    visit_Module = visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _body


def syntax_tree(source: str, drop_fstrings: bool = False) -> str:
    """A module's source as its syntax tree without docstrings (and f-strings, with
    `drop_fstrings`): comments and layout never reach the tree, so editing them changes
    no hash built on it."""
    return ast.dump(_Wording(drop_fstrings).visit(ast.parse(source)), include_attributes=False)


def source_hash(names, digits: int) -> str:
    """sha256 (first `digits` hex digits) over files of the lndp package, each as its
    name, NUL, its syntax tree (`syntax_tree`: a docstring or a comment is not code; an
    f-string may be, e.g. a log column's name)."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + syntax_tree((_ROOT / name).read_text()).encode())
    return digest.hexdigest()[:digits]


#: read once, when this module is imported with the rest of the package: a long run
#: records the code it runs, even if the files are edited while it trains
_LOADED = source_hash(BEHAVIOUR_MODULES, 12)


def code_hash() -> str:
    """A short hash of the source of the modules a run's numbers depend on, as they were
    when this process imported lndp."""
    return _LOADED


def _cpu_flags() -> tuple[str, set[str]]:
    """(CPU model name, its feature flags) from /proc/cpuinfo (Linux); else platform's."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine(), set()
    model = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    flags = re.search(r"^flags\s*:\s*(.+)$", text, re.M)
    return (model.group(1).strip() if model else platform.machine(),
            set(flags.group(1).split()) if flags else set())


def isa() -> str:
    """The widest x86 vector instruction set XLA's CPU backend compiles for here: the
    `--xla_cpu_max_isa` cap in XLA_FLAGS if one is set, else the best the CPU offers."""
    cap = re.search(r"--xla_cpu_max_isa=(\S+)", os.environ.get("XLA_FLAGS", ""))
    _, flags = _cpu_flags()
    offered = next((name for flag, name in (("avx512f", "AVX512"), ("avx2", "AVX2"),
                                            ("avx", "AVX"), ("sse4_2", "SSE4_2"))
                    if flag in flags), platform.machine())
    return f"{cap.group(1).upper()} (pinned)" if cap else offered


def machine() -> dict[str, object]:
    """Where this process computes: CPU model, ISA, JAX devices, package versions."""
    model, _ = _cpu_flags()
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {"cpu": model, "isa": isa(), "cores": os.cpu_count(),
            "devices": f"{jax.device_count()} {jax.devices()[0].platform}",
            "versions": versions}


def same_machine_kind(recorded: dict | None, here: dict | None = None) -> bool:
    """Whether a run recorded on `recorded` (its summary's `machine`) can replay bit for
    bit here: the same CPU model and ISA (and the same jax/jaxlib)."""
    if not recorded:
        return False
    here = here or machine()
    keys = ("cpu", "isa")
    return all(recorded.get(k) == here.get(k) for k in keys) and all(
        recorded.get("versions", {}).get(p) == here["versions"].get(p) for p in ("jax", "jaxlib"))


__all__ = ["BEHAVIOUR_MODULES", "PACKAGES", "syntax_tree", "source_hash", "code_hash", "isa",
           "machine", "same_machine_kind"]
