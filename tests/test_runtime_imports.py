"""The product runs from a virtual environment holding only requirements.txt (`make run` builds one).

Every module the product imports at run time must come from the standard library, the project, or a
distribution requirements.txt installs (directly or as a dependency). Imports under
`if TYPE_CHECKING:` are for the type checker only and may name the dev requirements.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

BASE_DIR = Path(__file__).resolve().parents[1]
PRODUCT = ("iseller_accurate", "outlets", "mapping", "sync", "accurate", "accurate_sandbox")
FIRST_PARTY = {*PRODUCT, "tests", "bench"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions() -> set[str]:
    """requirements.txt and everything it pulls in, as canonical distribution names."""
    wanted = []
    for line in (BASE_DIR / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            wanted.append(Requirement(line).name)
    seen: set[str] = set()
    while wanted:
        name = _canonical(wanted.pop())
        if name in seen:
            continue
        seen.add(name)
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            # Only what is installed without extras.
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                wanted.append(requirement.name)
    return seen


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, top-level module) of every import outside `if TYPE_CHECKING:` blocks."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                yield from runtime_imports(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]
        yield from runtime_imports(node)


def product_files() -> Iterator[Path]:
    for package in PRODUCT:
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_product_imports_only_what_requirements_txt_installs():
    allowed = runtime_distributions()
    providers = metadata.packages_distributions()
    outside = []
    for path in product_files():
        for line, module in runtime_imports(ast.parse(path.read_text(), str(path))):
            if module in sys.stdlib_module_names or module in FIRST_PARTY or module == "__future__":
                continue
            distributions = {_canonical(d) for d in providers.get(module, [])}
            if not distributions & allowed:
                outside.append(f"{path.relative_to(BASE_DIR)}:{line} imports {module}")
    assert outside == []


def test_a_typing_only_import_is_not_a_runtime_one():
    source = (
        "from typing import TYPE_CHECKING\n"
        "import celery\n"
        "if TYPE_CHECKING:\n"
        "    from django_stubs_ext import WithAnnotations\n"
        "else:\n"
        "    import requests\n"
        "def f():\n"
        "    import openpyxl\n"
    )
    assert sorted(module for _, module in runtime_imports(ast.parse(source))) == [
        "celery",
        "openpyxl",
        "requests",
        "typing",
    ]
