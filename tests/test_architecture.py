"""The layers of the code, checked: imports only point down (core < qualifications, centres < portfolio < tracking <
quality < dashboard/demo < benchmarks), late imports included. The contract is in pyproject.toml."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return config


def test_imports_only_point_down_the_layers():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_every_app_of_the_project_is_in_a_layer():
    config = _contract()
    layered = {name.strip() for layer in config["contracts"][0]["layers"] for name in layer.split("|")}
    ours = {app.name for app in apps.get_app_configs() if Path(app.path).parent == Path(settings.BASE_DIR)}
    assert ours <= layered, f"apps outside the layers contract in pyproject.toml: {sorted(ours - layered)}"
    assert set(config["root_packages"]) == layered


def _imported_modules(path: Path) -> set[str]:
    import ast

    package = ".".join(path.relative_to(ROOT).parent.parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def test_no_test_module_imports_another():
    """Shared fixtures live in conftest.py and shared builders in helper modules, so that each test module can be
    read, run and changed on its own."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        for module in _imported_modules(path):
            if module.split(".")[-1].startswith("test_") and module.startswith("tests."):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offenders, offenders


def test_the_check_for_test_modules_importing_each_other_can_fail(tmp_path, monkeypatch):
    sample = ROOT / "tests" / "security" / "test_permission_matrix.py"
    assert "tests.security.matrix" in _imported_modules(sample)
    offending = tmp_path / "tests" / "x" / "test_a.py"
    offending.parent.mkdir(parents=True)
    offending.write_text("from .test_b import helper\nfrom tests.y.test_c import other\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = _imported_modules(offending)
    assert {"tests.x.test_b", "tests.y.test_c"} <= found
