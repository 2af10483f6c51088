"""Data flows one way: a stage imports `models` and the stages before it, never one after it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["models", "intake", "extraction", "triage", "review", "erp", "pipeline", "api"]
# evals and the API sit on top: they may import every stage, and no stage may import them. The CLI in api/
# may run evals (`handoff eval`, `handoff training-data`); evals never imports api.
CONSUMERS = {"api", "evals"}
PACKAGES = [*ORDER, "evals"]


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(PACKAGES)


def allowed(package: str) -> set[str]:
    if package == "evals":
        return set(PACKAGES) - {"api"}
    if package == "api":
        return set(PACKAGES)
    return set(ORDER[: ORDER.index(package) + 1])


@pytest.mark.parametrize("package", PACKAGES)
def test_stage_imports_only_earlier_stages(package: str) -> None:
    violations = [
        f"{path.relative_to(ROOT)} imports {sorted(imported_packages(path) - allowed(package))}"
        for path in sorted((ROOT / package).rglob("*.py"))
        if imported_packages(path) - allowed(package)
    ]
    assert not violations, "\n".join(violations)


def test_no_stage_imports_a_consumer() -> None:
    for package in ORDER:
        if package in CONSUMERS:
            continue
        for path in (ROOT / package).rglob("*.py"):
            assert not imported_packages(path) & {"evals"}, f"{path} imports evals"


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from triage.compare import find_gaps\nimport api.app\n")
    assert imported_packages(module) == {"triage", "api"}
    assert not imported_packages(module) <= allowed("intake")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (at any depth: function-level imports too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return modules


def test_the_sub_clis_import_neither_the_root_nor_each_other() -> None:
    """The root (api/cli.py) mounts each sub-CLI; a sub-CLI imports only api.cli_common of the CLI."""
    sub_clis = sorted((ROOT / "api").glob("cli_*.py"))
    assert len(sub_clis) >= 7
    for path in sub_clis:
        cli_imports = {
            module
            for module in imported_modules(path)
            if module == "api.cli" or module.startswith("api.cli_")
        }
        assert cli_imports <= {"api.cli_common"}, f"{path.name} imports {sorted(cli_imports)}"


def _function_imports(path: Path, name: str) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    (function,) = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == name]
    modules = {node.module for node in ast.walk(function) if isinstance(node, ast.ImportFrom) and node.module}
    return modules | {
        alias.name for node in ast.walk(function) if isinstance(node, ast.Import) for alias in node.names
    }


def test_training_commands_read_data_files_not_the_eval_generators() -> None:
    """`handoff train-extractor DATA` and `handoff train-ranker DATA` import only the stage they train: the
    data comes from a file (`handoff training-data` writes the generators' into one)."""
    extractor = imported_modules(ROOT / "api" / "cli_extraction_ml.py")
    ranker = _function_imports(ROOT / "api" / "cli_triage.py", "train_ranker_command")
    assert "extraction.total_fit" in extractor and "triage.ranker_fit" in ranker
    assert not {module for module in extractor | ranker if module.split(".")[0] == "evals"}
