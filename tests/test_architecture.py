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
