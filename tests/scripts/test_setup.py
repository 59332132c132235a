"""Set-up and system libraries: what is missing is named in one line, nothing half-done."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

REPO = Path(__file__).resolve().parents[2]


def fake_commands(bin_dir: Path, *, uid: int, installed: set[str], archive: set[str]) -> None:
    """`id`, `dpkg-query`, `apt-cache` and `apt-get` stand-ins for a simulated Debian."""
    bin_dir.mkdir()
    scripts = {
        "id": f'#!/bin/sh\n[ "$1" = -u ] && echo {uid} || exec /usr/bin/id "$@"\n',
        "dpkg-query": "#!/bin/sh\nfor last; do :; done\ncase \" {} \" in *\" $last \"*) "
                      "printf 'install ok installed';; *) exit 1;; esac\n".format(
                          " ".join(sorted(installed))),
        "apt-cache": "#!/bin/sh\ncase \" {} \" in *\" $2 \"*) echo \"$2:\"; "
                     "echo '  Candidate: 1.0-1';; *) echo \"$2:\"; "
                     "echo '  Candidate: (none)';; esac\n".format(" ".join(sorted(archive))),
        "apt-get": f"#!/bin/sh\necho \"apt-get $*\" >> {bin_dir}/apt.log\n",
    }
    for name, text in scripts.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)


def project(tmp_path: Path, languages: str) -> Path:
    root = tmp_path / "project"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "setup.sh", root / "scripts")
    shutil.copytree(REPO / "requirements", root / "requirements")
    text = (REPO / "pyproject.toml").read_text("utf-8")
    start = text.index("languages = [")
    end = text.index("]", start) + 1
    (root / "pyproject.toml").write_text(text[:start] + f"languages = {languages}" + text[end:])
    return root


def run_setup(root: Path, bin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "WITHOUT_BROWSER": "1",
           "PYTHON": sys.executable}
    return subprocess.run(["bash", str(root / "scripts" / "setup.sh"), *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_non_root_with_packages_missing_names_one_command_and_changes_nothing(
        tmp_path: Path) -> None:
    root = project(tmp_path, '["es", "gl"]')
    fake_commands(tmp_path / "bin", uid=1000, installed={"apertium"},
                  archive={"fonts-noto-core", "fonts-noto-cjk", "fontconfig", "libpango-1.0-0",
                           "libpangoft2-1.0-0", "libharfbuzz-subset0", "apertium-eng-spa"})
    proc = run_setup(root, tmp_path / "bin")
    assert proc.returncode == 2
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 1 and "apt-get install" in errors[0]
    assert "apertium-eng-spa" in errors[0] and "fonts-noto-cjk" in errors[0]
    assert "gettext" not in errors[0] and "chromium" not in errors[0]  # runtime only
    assert "no Apertium pair for: gl" in proc.stdout  # not in this archive: said, not asked
    assert not (root / ".venv").exists()


def test_root_with_a_package_the_release_lacks_installs_nothing(tmp_path: Path) -> None:
    root = project(tmp_path, '["es"]')
    fake_commands(tmp_path / "bin", uid=0, installed={"apertium", "apertium-eng-spa"},
                  archive={"fonts-noto-core", "fontconfig"})
    proc = run_setup(root, tmp_path / "bin")
    assert proc.returncode == 2
    assert "has no package" in proc.stderr and "nothing was installed" in proc.stderr
    log = (tmp_path / "bin" / "apt.log").read_text()
    assert "install" not in log  # only `apt-get update` ran
    assert not (root / ".venv").exists()


def test_test_mode_asks_for_the_test_tools(tmp_path: Path) -> None:
    root = project(tmp_path, '["es"]')
    fake_commands(tmp_path / "bin", uid=1000, installed=set(), archive={"gettext"})
    proc = run_setup(root, tmp_path / "bin", "--test")
    assert proc.returncode == 2 and "gettext" in proc.stderr and "poppler-utils" in proc.stderr
    assert run_setup(root, tmp_path / "bin", "--nonsense").returncode == 2


def test_missing_fc_list_is_one_line_naming_fontconfig(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.site.pdf as pdf

    # A copy: in the checkout, output/ may already be up to date (the README's first command
    # publishes es), and then publish never looks for fonts.
    root = tmp_path / "site"
    shutil.copytree(REPO / "source", root / "source")
    shutil.copytree(REPO / "locale", root / "locale")
    shutil.copy(REPO / "pyproject.toml", root)
    pdf._installed_families.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    try:
        result = CliRunner().invoke(cli, ["--root", str(root), "publish", "--lang", "es",
                                          "--format", "pdf"])
    finally:
        pdf._installed_families.cache_clear()
    assert result.exit_code in (1, 2), result.output
    assert "apt-get install fontconfig" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_missing_pango_is_one_line_naming_the_package(tmp_path: Path) -> None:
    # WeasyPrint's import fails the way cffi reports a missing shared library.
    code = """
import sys, importlib.abc
class NoPango(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpangoft2-1.0-0': libpangoft2-1.0-0: "
                          "cannot open shared object file: No such file or directory")
sys.meta_path.insert(0, NoPango())
from pipeline.cli import main
sys.argv = ["pipeline", "--root", sys.argv[1], "publish", "--lang", "es", "--format", "pdf"]
main()
"""
    root = tmp_path / "site"
    shutil.copytree(REPO / "source", root / "source")
    shutil.copytree(REPO / "locale", root / "locale")
    shutil.copy(REPO / "pyproject.toml", root)
    proc = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode in (1, 2), proc.stderr
    assert "apt-get install libpangoft2-1.0-0" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not list(root.glob("output/**/*.pdf"))
