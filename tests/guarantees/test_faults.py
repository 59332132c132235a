"""Injected faults: nothing a translator reviewed or a machine drafted is lost, no page is
half-written.

Faults: ``kill -9`` of ``update`` and ``publish`` after a seeded random delay and at every
file replacement; a disk that fills up (a tiny tmpfs) and a write that fails with ``EIO``;
two ``update`` runs on the same catalogs; the MT engine vanishing mid-run; a read-only
folder. (``kill -9`` of ``translate`` is in tests/mt/test_translate.py.)

After each: every catalog parses (here and in ``msgfmt -c``) and is byte for byte either
the old file or the finished one, reviewed entries are byte-identical, finished drafts are
kept, and every file in ``output/`` is the old or the new page, complete (HTML that parses,
a PDF ending in ``%%EOF``); temporary files are hidden dot-files that no page links to.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import html5lib
import polib
import pypdf
import pytest
from click.testing import CliRunner, Result
from conftest import REPO, msgfmt_ok, tree_digest

from pipeline.catalog.pofile import load_catalog
from pipeline.config import Language
from pipeline.errors import EngineError
from pipeline.fs import locked
from pipeline.mt.engines import ENGINES, Failure

DATA = Path(__file__).resolve().parents[1] / "data"
PAGE = "visiting-hours"
LANGS = ("es", "fr", "de")
CONFIG = """\
[project]
name = "fault-test"
version = "0"

[tool.pipeline]
languages = {langs}
formats = ["html", "pdf"]
"""
OLD_LINE = "Parents and legal guardians may stay with their child at any time."
NEW_LINE = "Parents and legal guardians may stay with their child at any hour of the day."
ADDED = "Visitors under 12 need an adult with them."
LOCK_MESSAGE = "another pipeline command is writing these catalogs; wait for it to finish"
ENTRY_SPLIT = re.compile(r"\n[ \t]*\n")
EXE = Path(sys.executable).with_name("pipeline")
PIPELINE = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "pipeline.cli"]

# Runs the CLI with one os function patched: ``FAULT_KILL=replace:3`` kills the process
# (SIGKILL) just before the third os.replace; ``FAULT_SLOW=replace:0.5`` sleeps before each.
WRAPPER = """\
import os, signal, sys, time
kill, slow = os.environ.get("FAULT_KILL"), os.environ.get("FAULT_SLOW")
calls = 0
def patch(name, before):
    real = getattr(os, name)
    def hooked(*args, **kwargs):
        before()
        return real(*args, **kwargs)
    setattr(os, name, hooked)
if kill:
    name, n = kill.split(":")
    def count():
        global calls
        calls += 1
        if calls == int(n):
            os.kill(os.getpid(), signal.SIGKILL)
    patch(name, count)
if slow:
    name, seconds = slow.split(":")
    patch(name, lambda: time.sleep(float(seconds)))
from pipeline.cli import main
main(sys.argv[1:])
"""


def cli(root: Path, *args: str) -> Result:
    from pipeline.cli import cli as main

    return CliRunner().invoke(main, ["--root", str(root), *args])


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def one_error_line(result: Result | subprocess.CompletedProcess[str], *needles: str) -> str:
    err = result.stderr
    assert "Traceback" not in err, err
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


# --- the project ------------------------------------------------------------------------------


def po_paths(root: Path) -> list[Path]:
    return sorted((root / "locale").glob("*/LC_MESSAGES/*.po"))


def snapshot(paths: Sequence[Path], root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in paths}


def make_project(root: Path) -> Path:
    """visiting-hours in three languages, every entry translated, the last three of each
    catalog machine drafts; then a page edit extracted but not merged (update has work:
    one reviewed entry turns fuzzy, one entry is new)."""
    (root / "source" / "pages").mkdir(parents=True)
    (root / "pyproject.toml").write_text(CONFIG.format(langs=list(LANGS)).replace("'", '"'),
                                         encoding="utf-8")
    shutil.copy(DATA / "pages" / f"{PAGE}.md", root / "source" / "pages")
    shutil.copytree(REPO / "source" / "templates", root / "source" / "templates")
    shutil.copytree(REPO / "source" / "assets", root / "source" / "assets")
    ok(cli(root, "extract"))
    ok(cli(root, "update"))
    for path in po_paths(root):
        po = polib.pofile(str(path))
        lang = path.parent.parent.name
        for i, e in enumerate(po):
            e.msgstr = f"{e.msgid} [{lang}]"
            if i >= len(po) - 3:
                e.flags.append("fuzzy")
                e.tcomment = "machine translation: test"
        po.save(str(path))
    page = root / "source" / "pages" / f"{PAGE}.md"
    text = page.read_text("utf-8")
    assert OLD_LINE in text
    page.write_text(text.replace(OLD_LINE, NEW_LINE) + f"\n{ADDED}\n", encoding="utf-8")
    ok(cli(root, "extract"))
    return root


@dataclass(frozen=True)
class Project:
    root: Path
    old: dict[str, bytes]  # every .po before update
    final: dict[str, bytes]  # every .po after a complete update
    seconds: float  # how long a complete ``update`` subprocess takes


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = make_project(tmp_path_factory.mktemp("faults") / "site")
    old = snapshot(po_paths(root), root)
    done = tmp_path_factory.mktemp("final") / "site"
    shutil.copytree(root, done)
    began = time.monotonic()
    proc = subprocess.run([*PIPELINE, "--root", str(done), "update"], capture_output=True,
                          text=True)
    seconds = time.monotonic() - began
    assert proc.returncode == 0, proc.stderr
    final = snapshot(po_paths(done), done)
    changed = [p for p in old if old[p] != final[p]]
    assert len(changed) == len(LANGS), changed  # each language's page catalog
    return Project(root, old, final, seconds)


@pytest.fixture
def site(project: Project, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(project.root, root)
    return root


def chunks(data: bytes) -> list[str]:
    return [c for c in ENTRY_SPLIT.split(data.decode("utf-8").strip("\n")) if c.strip()]


def reviewed_chunks(data: bytes) -> list[str]:
    """The raw text of every reviewed entry (translated, not fuzzy, not obsolete)."""
    out = []
    for chunk in chunks(data):
        po = polib.pofile(chunk + "\n")
        if len(po) == 1 and po[0].msgid and po[0].translated() and not po[0].obsolete:
            out.append(chunk)
    return out


def drafts(data: bytes) -> dict[str, str]:
    return {e.msgid: e.msgstr for e in polib.pofile(data.decode("utf-8"))
            if "fuzzy" in e.flags and not e.obsolete}


def assert_catalogs_intact(root: Path, project: Project) -> int:
    """Every catalog is the old or the finished file, valid, and loses nothing; returns how
    many are finished."""
    finished = 0
    for path in po_paths(root):
        rel = path.relative_to(root).as_posix()
        data = path.read_bytes()
        assert data in (project.old[rel], project.final[rel]), f"{rel} is neither old nor new"
        finished += data == project.final[rel] != project.old[rel]
        load_catalog(path)
        msgfmt_ok(path)
        for chunk in reviewed_chunks(project.old[rel]):
            if OLD_LINE not in chunk:  # the one entry whose English changed
                assert chunk in data.decode("utf-8"), chunk
        assert drafts(project.old[rel]).items() <= drafts(data).items()
        if OLD_LINE in project.old[rel].decode("utf-8"):
            entry = polib.pofile(data.decode("utf-8")).find(
                NEW_LINE if data == project.final[rel] else OLD_LINE)
            assert entry is not None and entry.msgstr.startswith(OLD_LINE)
            if data == project.final[rel]:
                assert "fuzzy" in entry.flags and entry.previous_msgid == OLD_LINE
    for folder in (root / "locale").glob("*/LC_MESSAGES"):
        for leftover in folder.iterdir():
            assert leftover.suffix == ".po" or is_hidden_temp(leftover), leftover
    return finished


def is_hidden_temp(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(".tmp")


# --- kill -9 --------------------------------------------------------------------------------------


def run_killed(args: Sequence[str], delay: float | None = None,
               env: dict[str, str] | None = None, timeout: float = 120) -> int:
    """Run ``args``; SIGKILL its process group after ``delay`` seconds if still running."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env={**os.environ, **(env or {})})
    try:
        proc.wait(timeout=delay if delay is not None else timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.communicate()
    return proc.returncode


def with_fault(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", WRAPPER, "--root", str(root), *args]


UPDATE_SEEDS = [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("seed", UPDATE_SEEDS)
def test_update_killed_at_a_random_moment(project: Project, site: Path, seed: int) -> None:
    delay = random.Random(seed).uniform(0, project.seconds)
    run_killed([*PIPELINE, "--root", str(site), "update"], delay)
    assert_catalogs_intact(site, project)
    ok(cli(site, "update"))  # a rerun finishes the job
    assert snapshot(po_paths(site), site) == project.final


@pytest.mark.parametrize("point", range(1, len(LANGS) + 1))
def test_update_killed_before_each_rename(project: Project, site: Path, point: int) -> None:
    code = run_killed(with_fault(site, "update"), env={"FAULT_KILL": f"replace:{point}"})
    assert code == -signal.SIGKILL
    assert assert_catalogs_intact(site, project) == point - 1
    assert any(is_hidden_temp(p) for p in (site / "locale").rglob("*"))  # killed mid-write
    ok(cli(site, "update"))
    assert snapshot(po_paths(site), site) == project.final


def test_update_killed_between_write_and_fsync(project: Project, site: Path) -> None:
    code = run_killed(with_fault(site, "update"), env={"FAULT_KILL": "fsync:2"})
    assert code == -signal.SIGKILL
    assert assert_catalogs_intact(site, project) == 1


# --- publish ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    root: Path
    old: dict[str, bytes]  # output/ after the first publish
    new_html: bytes  # es page after the translation change
    new_pdf_text: str
    seconds: float


CHANGED_TRANSLATION = "Los padres pueden quedarse con su hijo en todo momento."
PUBLISH = ("publish", "--lang", "es", "--draft")


def output_files(root: Path) -> dict[str, bytes]:
    out = root / "output"
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def output(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Output:
    """Published once; then one Spanish translation changed (publish has es pages to redo)."""
    root = tmp_path_factory.mktemp("publish") / "site"
    shutil.copytree(project.root, root)
    ok(cli(root, "update"))
    ok(cli(root, *PUBLISH))
    old = output_files(root)
    path = root / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"
    po = polib.pofile(str(path))
    entry = po.find("Parents and legal guardians may stay with their child at any time.",
                    by="previous_msgid")
    assert entry is not None
    entry.msgstr = CHANGED_TRANSLATION
    entry.previous_msgid = None  # a draft for the current English (a stale one is not shown)
    po.save(str(path))
    done = tmp_path_factory.mktemp("published") / "site"
    shutil.copytree(root, done)
    began = time.monotonic()
    proc = subprocess.run([*PIPELINE, "--root", str(done), *PUBLISH], capture_output=True,
                          text=True)
    seconds = time.monotonic() - began
    assert proc.returncode == 0, proc.stderr
    new = output_files(done)
    assert {k for k in new if new[k] != old.get(k)} == {
        f"drafts/es/{PAGE}.html", f"drafts/es/{PAGE}.pdf", "drafts/.manifest.json"}
    es = done / "output" / "drafts" / "es"
    return Output(root, old, new[f"drafts/es/{PAGE}.html"], pdf_text(es / f"{PAGE}.pdf"),
                  seconds)


@pytest.fixture
def out_site(output: Output, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(output.root, root)
    return root


def assert_output_intact(root: Path, output: Output) -> None:
    """Each page is the old or the new one, complete; nothing else appeared but hidden temps."""
    files = {k: v for k, v in output_files(root).items() if Path(k).name != FILLER}
    visible = {k for k in files if not is_hidden_temp(Path(k))}
    assert visible == set(output.old), visible ^ set(output.old)
    for name, data in files.items():
        if is_hidden_temp(Path(name)):
            continue
        if name.endswith(".html"):
            assert data.rstrip().endswith(b"</html>"), name
            html5lib.parse(data, treebuilder="lxml")  # parses
        if name == f"drafts/es/{PAGE}.html":
            assert data in (output.old[name], output.new_html)
        elif name == f"drafts/es/{PAGE}.pdf":
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), name
            if data != output.old[name]:
                assert pdf_text(root / "output" / name) == output.new_pdf_text
            assert len(pypdf.PdfReader(root / "output" / name).pages) >= 1
        elif not name.endswith(".manifest.json"):
            assert data == output.old[name], name


def assert_republish_is_new(root: Path, output: Output) -> None:
    ok(cli(root, *PUBLISH))
    es = root / "output" / "drafts" / "es"
    assert (es / f"{PAGE}.html").read_bytes() == output.new_html
    assert pdf_text(es / f"{PAGE}.pdf") == output.new_pdf_text


PUBLISH_SEEDS = [11, 12, 13]


@pytest.mark.parametrize("seed", PUBLISH_SEEDS)
def test_publish_killed_at_a_random_moment(output: Output, out_site: Path, seed: int) -> None:
    delay = random.Random(seed).uniform(0, output.seconds)
    run_killed([*PIPELINE, "--root", str(out_site), *PUBLISH], delay)
    assert_output_intact(out_site, output)


@pytest.mark.parametrize("point", [1, 2, 3])  # es html, es pdf, manifest
def test_publish_killed_before_each_rename(output: Output, out_site: Path, point: int) -> None:
    code = run_killed(with_fault(out_site, *PUBLISH), env={"FAULT_KILL": f"replace:{point}"})
    assert code == -signal.SIGKILL
    assert_output_intact(out_site, output)
    es = out_site / "output" / "drafts" / "es"
    written = {1: 0, 2: 1, 3: 2}[point]
    assert ((es / f"{PAGE}.html").read_bytes() == output.new_html) == (written >= 1)
    assert any(is_hidden_temp(p) for p in (out_site / "output").rglob("*"))  # killed mid-write
    # a page written before the manifest was is redone, never taken as up to date
    assert_republish_is_new(out_site, output)


# --- disk full, I/O error ----------------------------------------------------------------------


FILLER = ".filler"


@contextlib.contextmanager
def full_tmpfs(folder: Path, size: str = "512k", *, filler_in: str = "") -> Iterator[None]:
    """Put ``folder``'s contents on a tmpfs of ``size`` and fill the rest of it (with a
    file in ``folder / filler_in``)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    saved = folder.with_name(folder.name + ".saved")
    folder.rename(saved)
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        folder.rmdir()
        saved.rename(folder)
        pytest.skip("cannot mount a tmpfs here")
    try:
        shutil.copytree(saved, folder, dirs_exist_ok=True)
        with open(folder / filler_in / FILLER, "wb", buffering=0) as fh, \
                contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 4096)
        with pytest.raises(OSError) as full:
            (folder / ".probe").write_bytes(b"x" * 8192)
        assert full.value.errno == errno.ENOSPC
        with contextlib.suppress(OSError):
            (folder / ".probe").unlink()
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)
        folder.rmdir()
        saved.rename(folder)


def test_update_on_a_full_disk_changes_nothing(project: Project, site: Path) -> None:
    with full_tmpfs(site / "locale"):
        before = tree_digest(site)
        result = cli(site, "update")
        assert result.exit_code == 2
        one_error_line(result, "disk full", "nothing was changed")
        assert tree_digest(site) == before
        assert assert_catalogs_intact(site, project) == 0


def test_publish_on_a_full_disk_keeps_the_old_pages(output: Output, out_site: Path) -> None:
    # the filler among the previews this run writes: in output/ itself it would be a file
    # publish did not write, and publish refuses such a folder before it tries a write
    with full_tmpfs(out_site / "output", filler_in="drafts"):
        before = tree_digest(out_site / "output")
        result = cli(out_site, *PUBLISH)
        assert result.exit_code == 2, result.output
        one_error_line(result, "disk full", f"{PAGE}.html")
        assert tree_digest(out_site / "output") == before
        assert_output_intact(out_site, output)
        assert {k: v for k, v in output_files(out_site).items()
                if Path(k).name != FILLER} == output.old


class Echo:
    """An engine that 'translates' by tagging; ``vanish_after`` calls it raises, as when the
    server goes away mid-run."""

    name = "echo"
    version = "1"

    def __init__(self, vanish_after: int | None = None) -> None:
        self.calls = 0
        self.vanish_after = vanish_after

    def supports(self, source: Language, target: Language) -> bool:
        return True

    def translate_batch(self, texts: Sequence[str], source: Language,
                        target: Language) -> list[str | Failure]:
        self.calls += 1
        if self.vanish_after is not None and self.calls > self.vanish_after:
            raise EngineError("echo: connection refused (the server went away)")
        return [f"«{t}»" for t in texts]


def test_translate_on_a_full_disk_changes_nothing(project: Project, site: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ok(cli(site, "update"))
    monkeypatch.setitem(ENGINES, "echo", lambda config: Echo())
    with full_tmpfs(site / "locale"):
        before = tree_digest(site / "locale")
        result = cli(site, "translate", "--lang", "es", "--engine", "echo")
        assert result.exit_code == 2, result.output
        one_error_line(result, "disk full")
        assert tree_digest(site / "locale") == before
    for path in po_paths(site):
        msgfmt_ok(path)


def failing(name: str, code: int) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    fail.__name__ = name
    return fail


@pytest.mark.parametrize(("call", "code"), [("fsync", errno.EIO), ("fsync", errno.ENOSPC),
                                             ("replace", errno.EIO)])
def test_update_write_error_changes_nothing(project: Project, site: Path, call: str, code: int,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, call, failing(call, code))
    before = tree_digest(site)
    result = cli(site, "update")
    monkeypatch.undo()
    assert result.exit_code == 2
    reason = "disk full" if code == errno.ENOSPC else os.strerror(code)
    one_error_line(result, reason, "nothing was changed")
    assert tree_digest(site) == before  # no temporary file left either
    assert assert_catalogs_intact(site, project) == 0


def test_publish_io_error_keeps_the_old_pages(output: Output, out_site: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fsync", failing("fsync", errno.EIO))
    result = cli(out_site, *PUBLISH)
    monkeypatch.undo()
    assert result.exit_code == 2
    one_error_line(result, "Input/output error", f"{PAGE}.html")
    assert output_files(out_site) == output.old


def test_translate_io_error_keeps_the_catalog(project: Project, site: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    ok(cli(site, "update"))
    before = tree_digest(site / "locale")
    monkeypatch.setitem(ENGINES, "echo", lambda config: Echo())
    monkeypatch.setattr(os, "fsync", failing("fsync", errno.EIO))
    result = cli(site, "translate", "--lang", "es", "--engine", "echo")
    monkeypatch.undo()
    assert result.exit_code == 2
    one_error_line(result, "Input/output error")
    assert tree_digest(site / "locale") == before


# --- the engine goes away mid-run -----------------------------------------------------------------


def test_engine_vanishing_mid_run_keeps_finished_drafts(project: Project, site: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    ok(cli(site, "update"))
    path = site / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"
    po = polib.pofile(str(path))
    emptied = [e for e in po if "fuzzy" not in e.flags and e.msgid.startswith("No ")]
    for e in emptied:
        e.msgstr = ""
    po.save(str(path))
    assert len(emptied) == 2  # with the new entry: three to translate
    before = path.read_bytes()
    monkeypatch.setitem(ENGINES, "echo", lambda config: Echo(vanish_after=1))
    monkeypatch.setenv("PIPELINE_MT_BATCH", "1")
    result = cli(site, "translate", "--lang", "es", "--engine", "echo", "--page", PAGE)
    assert result.exit_code in (1, 2)
    one_error_line(result, "server went away")
    msgfmt_ok(path)
    after = path.read_bytes()
    for chunk in reviewed_chunks(before):
        assert chunk in after.decode("utf-8")
    assert drafts(before).items() < drafts(after).items()  # the first batch was saved
    new = {k: v for k, v in drafts(after).items() if k not in drafts(before)}
    assert len(new) == 1 and all(v.startswith("«") for v in new.values())
    # the engine is back: the rest is filled, the saved draft is kept as it was
    monkeypatch.setitem(ENGINES, "echo", lambda config: Echo())
    ok(cli(site, "translate", "--lang", "es", "--engine", "echo", "--page", PAGE))
    assert new.items() <= drafts(path.read_bytes()).items()
    assert len(drafts(path.read_bytes())) == len(drafts(after)) + 2


# --- two runs at once --------------------------------------------------------------------------


def test_update_while_another_holds_the_lock_is_refused(project: Project, site: Path) -> None:
    before = tree_digest(site)
    with locked(site / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"):
        result = cli(site, "update")
    assert result.exit_code == 2
    one_error_line(result, LOCK_MESSAGE, "locale/es/LC_MESSAGES")
    assert tree_digest(site) == before


def test_second_update_during_a_slow_first_is_refused_and_nothing_breaks(
    project: Project, site: Path
) -> None:
    first = subprocess.Popen(with_fault(site, "update"), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True,
                             env={**os.environ, "FAULT_SLOW": "replace:0.4"})
    try:
        deadline = time.monotonic() + 30
        while not any(is_hidden_temp(p) for p in (site / "locale").rglob("*")):
            assert first.poll() is None and time.monotonic() < deadline, "no write seen"
            time.sleep(0.01)
        second = subprocess.run([*PIPELINE, "--root", str(site), "update"],
                                capture_output=True, text=True, timeout=60)
    finally:
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert second.returncode == 2
    one_error_line(second, LOCK_MESSAGE)
    assert assert_catalogs_intact(site, project) == len(LANGS)


@pytest.mark.parametrize("round_", range(2))
def test_two_updates_started_together_serialize_or_refuse(project: Project, site: Path,
                                                          round_: int) -> None:
    procs = [subprocess.Popen([*PIPELINE, "--root", str(site), "update"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p, *p.communicate(timeout=60)) for p in procs]
    assert any(p.returncode == 0 for p, _, _ in results)
    for p, _, err in results:
        assert p.returncode in (0, 2), err
        if p.returncode == 2:
            assert err.strip().split("\n") == [err.strip()] and LOCK_MESSAGE in err
    assert snapshot(po_paths(site), site) == project.final
    assert_catalogs_intact(site, project)


# --- read-only folders ----------------------------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` unwritable: permissions for a normal user, a read-only bind mount for
    root (whom permissions do not stop)."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
        for p in modes:
            p.chmod(0o555)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    bound = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        with pytest.raises(OSError):
            (folder / ".probe").write_bytes(b"x")
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_publish_to_a_read_only_output_folder(output: Output, out_site: Path) -> None:
    with read_only(out_site / "output"):
        result = cli(out_site, *PUBLISH)
    assert result.exit_code in (1, 2)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    one_error_line(result, f"{PAGE}.html", "cannot write")
    assert result.stdout.count("wrote") == 0
    assert output_files(out_site) == output.old


def test_update_of_a_read_only_catalog_folder(project: Project, site: Path) -> None:
    before = tree_digest(site)
    with read_only(site / "locale" / "es" / "LC_MESSAGES"):
        result = cli(site, "update")
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    one_error_line(result, "es/LC_MESSAGES", "cannot write")
    assert tree_digest(site) == before
