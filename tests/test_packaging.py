"""A wheel built from the checkout carries the default config and templates and works
from any directory in a fresh virtualenv."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        timeout=600,
    )
    return next(out.glob("aisafety_jobs-*.whl"))


def test_wheel_contains_packages_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = [
        "aggregator/cli/main.py",
        "aggregator/db/migrations/env.py",
        "aggregator/_data/config/settings.example.toml",
        "aggregator/normalize/learned_model.json",  # the classifier's learned weights
        "spiders/__init__.py",
    ]
    for name in expected:
        assert name in names, name
    assert any(n.startswith("aggregator/db/migrations/versions/0001") for n in names)
    assert any(n.startswith("aggregator/_data/digest_templates/") for n in names)
    assert not any(n.startswith("tests/") for n in names)


@pytest.mark.slow
def test_wheel_installs_and_inits_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, str(wheel)], check=True, timeout=900)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    result = subprocess.run(
        [str(venv / "bin" / "aisafety-jobs"), "init"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (workdir / "var" / "aisafety-jobs.db").exists()
    check = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "from aggregator.paths import data_folder; "
            "print(data_folder('config')); print(data_folder('digest_templates'))",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in check.stdout.split():
        assert "_data" in line and Path(line).is_dir(), line
