"""Parallel, incremental ``publish``: a pool of processes writes the same bytes as one
process, a no-op run reads no page or catalog and writes nothing, one changed page is
the only one re-published, and a failing worker leaves whole files and one clear error.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import pipeline.site.digests as digests_module
import pipeline.site.manifest as manifest_module
import pipeline.site.page_renderer as page_renderer_module
import pipeline.site.publish as publish_module
from pipeline.config import Config, load_config, parse_language
from pipeline.errors import PipelineError, PublishError
from pipeline.site.publish import PublishItem, publish
from pipeline.site.workers import threads
from pipeline.source import read_page

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
SEED = "paraspinal-sarcoma-treatment"
OTHER = "visiting-hours"
CONFIG = """\
[project]
name = "parallel-test"
version = "0"

[tool.pipeline]
languages = ["es"]
formats = ["html", "pdf"]
"""
needs_fork = pytest.mark.skipif(sys.platform != "linux",
                                reason="workers see the test's patches only when forked")


def require_fork() -> None:
    """Skip when the pool will not fork: this process runs threads now (Debian 13's Pango
    starts fontconfig threads at the first PDF), so forking is unsafe and it uses forkserver,
    whose workers do not see the test's patches."""
    if threads() > 1:
        pytest.skip(f"this process runs {threads()} threads, so the pool uses forkserver")


def make_project(root: Path) -> Path:
    """Two pages (the seed, reviewed in Spanish; visiting-hours, which has no template yet
    and so is public in English only) and the repository's templates, assets and es
    catalogs."""
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    shutil.copytree(REPO / "source" / "templates", root / "source" / "templates")
    shutil.copytree(REPO / "source" / "assets", root / "source" / "assets")
    (root / "source" / "pages").mkdir()
    shutil.copy(REPO / "source" / "pages" / f"{SEED}.md", root / "source" / "pages")
    shutil.copy(DATA / "pages" / f"{OTHER}.md", root / "source" / "pages")
    (root / "locale").mkdir()
    for name in (f"{SEED}.pot", "site.pot", "glossary.csv"):
        shutil.copy(REPO / "locale" / name, root / "locale")
    shutil.copytree(REPO / "locale" / "es", root / "locale" / "es")
    return root


def files(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``root/output`` → (mtime in ns, content)."""
    out = root / "output"
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file()}


def run(root: Path, jobs: int) -> list[PublishItem]:
    config = load_config(root)
    seen: list[PublishItem] = []
    items = list(publish(config, list(config.languages), jobs=jobs,
                         progress=seen.append).items)
    assert seen == items  # every item reported, in the order returned
    return items


def link_uris(pdf: Path) -> list[str]:
    import pypdf

    uris = []
    for page in pypdf.PdfReader(pdf).pages:
        for ref in page.get("/Annots", []):
            action = ref.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def order(items: list[PublishItem]) -> list[tuple[str, str, str, bool]]:
    return [(i.lang, i.page, i.format, i.written) for i in items]


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many processes each pool publish started (a test can check one was used)."""
    started: list[int] = []
    real = publish_module.Workers._start

    def spy(self: Any, work: int) -> Any:
        pool = real(self, work)
        started.append(pool._max_workers)
        return pool

    monkeypatch.setattr(publish_module.Workers, "_start", spy)
    return started


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[PublishItem]]:
    """The project published by one process (jobs=1: no pool)."""
    root = make_project(tmp_path_factory.mktemp("serial") / "site")
    return root, run(root, jobs=1)


@pytest.fixture
def published(serial: tuple[Path, list[PublishItem]], tmp_path: Path) -> Path:
    """A private copy of the serially published project (mtimes kept)."""
    root = tmp_path / "site"
    shutil.copytree(serial[0], root)
    return root


def test_pool_writes_the_same_bytes_in_the_same_order(
    serial: tuple[Path, list[PublishItem]], tmp_path: Path, pools: list[int]
) -> None:
    root = make_project(tmp_path / "site")
    items = run(root, jobs=2)
    assert pools == [2]  # the pages were rendered by two worker processes
    assert order(items) == order(serial[1])
    # 2 pages in en, the seed in es (visiting-hours has no template: not public in es)
    assert len(items) == 6 and all(i.written for i in items)
    assert (root / "output" / "en" / f"{OTHER}.html").is_file()
    assert not (root / "output" / "es" / f"{OTHER}.html").exists()
    def found(items: list[PublishItem], root: Path) -> list[tuple[int, int, list[str]]]:
        return [(i.machine, i.fallback, [w.replace(str(root), "ROOT") for w in i.warnings])
                for i in items]

    assert found(items, root) == found(serial[1], serial[0])
    assert any(i.warnings for i in items)  # visiting-hours' missing photo, once per page
    ours, theirs = files(root), files(serial[0])
    assert sorted(ours) == sorted(theirs)
    for name in ours:
        assert ours[name][1] == theirs[name][1], f"{name} differs from the serial output"
    pdfs = [name for name in ours if name.endswith(".pdf")]
    assert len(pdfs) == 3
    for name in pdfs:  # nothing in a PDF depends on when or where it was made
        data = ours[name][1]
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert b"/CreationDate" not in data and b"/ModDate" not in data
    # visiting-hours' relative link stays relative to the PDF, as on the web page: the
    # bytes do not depend on where the project is, and no local path is published
    links = link_uris(root / "output" / "en" / f"{OTHER}.pdf")
    assert "../policies/visitors.md" in links
    assert not [u for u in links if u.startswith("file:") or str(root) in u]


def test_noop_publish_reads_no_page_or_catalog_and_writes_nothing(
    published: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = files(published)

    def forbidden(*args: object) -> None:
        raise AssertionError(f"parsed on a no-op run: {args}")

    # a new process: nothing counted in memory, only what the manifest remembers
    monkeypatch.setattr(manifest_module, "_COUNTS", {})
    monkeypatch.setattr(publish_module, "read_page", forbidden)
    monkeypatch.setattr(manifest_module, "count_catalog", forbidden)
    monkeypatch.setattr(page_renderer_module, "load_catalog", forbidden)
    items = run(published, jobs=2)
    assert len(items) == 6 and not any(i.written for i in items)
    assert files(published) == before  # not even the manifest or the index is rewritten


def test_one_changed_page_is_the_only_one_republished(
    published: Path, monkeypatch: pytest.MonkeyPatch, pools: list[int]
) -> None:
    before = files(published)
    page = published / "source" / "pages" / f"{OTHER}.md"
    page.write_text(page.read_text("utf-8") + "\nBring a favourite toy.\n", encoding="utf-8")
    parsed: list[str] = []

    def spy(path: Path) -> Any:
        parsed.append(path.stem)
        return read_page(path)

    monkeypatch.setattr(publish_module, "read_page", spy)
    items = run(published, jobs=2)
    assert parsed == [OTHER]
    assert {(i.lang, i.page, i.format) for i in items if i.written} == {
        ("en", OTHER, fmt) for fmt in ("html", "pdf")}
    after = files(published)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {f"en/{OTHER}.{fmt}" for fmt in ("html", "pdf")} | {".manifest.json"}
    assert b"Bring a favourite toy." in after[f"en/{OTHER}.html"][1]
    assert pools == []  # one page in one language to render: no pool is started


def _fail_for(page: str, lang: str, failure: Callable[[], None]) -> Callable[..., bytes]:
    from pipeline.site import pdf

    real = pdf.write_pdf

    def write_pdf(html: str, base_url: str, fetcher: Any, target: Path) -> bytes:
        if target.name == f"{page}.pdf" and target.parent.name == lang:
            failure()
        data: bytes = real(html, base_url, fetcher, target)
        return data

    return write_pdf


def _assert_whole_and_untracked(root: Path, serial_root: Path) -> None:
    """Every file is complete and as the serial run wrote it; no temporary file is left;
    the manifest lists each as publish's own (so a rerun may replace it) but claims none
    current (no digest: a rerun renders it again)."""
    out = root / "output"
    left = [p.name for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert left == []
    reference = files(serial_root)
    for name, (_, data) in files(root).items():
        if name.endswith((".html", ".pdf")) and "/" in name:
            assert data == reference[name][1], name
    written = [name for name in files(root) if name.endswith((".html", ".pdf"))]
    manifest = out / ".manifest.json"
    listed = json.loads(manifest.read_text("utf-8"))["outputs"] if manifest.exists() else {}
    assert written == [] or manifest.exists()
    for name in written:
        assert listed[name] == "", name


@needs_fork
def test_a_failing_worker_gives_one_error_and_leaves_whole_files(
    serial: tuple[Path, list[PublishItem]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    pools: list[int]
) -> None:
    require_fork()
    from pipeline.site import pdf

    root = make_project(tmp_path / "site")
    parent = os.getpid()

    def missing_font() -> None:
        raise PublishError(f"font 'Noto Sans' for en is not installed (in process {os.getpid()})")

    # the second page in order (en/visiting-hours) fails in a worker process
    monkeypatch.setattr(pdf, "write_pdf", _fail_for(OTHER, "en", missing_font))
    with pytest.raises(PipelineError) as failed:
        run(root, jobs=2)
    assert pools == [2]
    error = failed.value
    assert isinstance(error, PublishError) and error.exit_code == 2
    message = str(error)
    assert message.startswith("font 'Noto Sans' for en is not installed (in process ")
    assert f"(in process {parent})" not in message  # raised in a worker, reported as it was
    assert "\n" not in message
    _assert_whole_and_untracked(root, serial[0])
    out = root / "output"
    # what came after the failure in page order is not written, even if a worker made it
    assert not (out / "es").exists() or list((out / "es").iterdir()) == []
    assert not (out / "en" / f"{OTHER}.html").exists()
    monkeypatch.undo()
    items = run(root, jobs=2)  # fixed: a rerun writes everything, the same bytes
    assert all(i.written for i in items)
    assert {k: v[1] for k, v in files(root).items()} == {
        k: v[1] for k, v in files(serial[0]).items()}


@needs_fork
def test_a_worker_that_dies_gives_one_error(
    serial: tuple[Path, list[PublishItem]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    pools: list[int]
) -> None:
    require_fork()
    from pipeline.site import pdf

    root = make_project(tmp_path / "site")
    monkeypatch.setattr(pdf, "write_pdf", _fail_for(SEED, "es", lambda: os._exit(9)))
    with pytest.raises(PublishError) as failed:
        run(root, jobs=2)
    assert pools == [2]
    assert str(failed.value) == (
        "a publishing process died (out of memory?); run again with fewer jobs")
    _assert_whole_and_untracked(root, serial[0])


def test_a_file_that_cannot_be_written_gives_one_error(published: Path) -> None:
    """The parent writes; a target it cannot replace stops the run with no temp file."""
    config: Config = load_config(published)
    page = published / "source" / "pages" / f"{SEED}.md"
    page.write_text(page.read_text("utf-8") + "\nOne more line.\n", encoding="utf-8")
    target = published / "output" / "es" / f"{SEED}.html"
    target.unlink()
    target.mkdir()  # a folder where the page should go: os.replace fails
    (target / "keep").write_text("x")
    before = files(published)
    with pytest.raises(PublishError) as failed:
        publish(config, [parse_language("es")], formats=["html"], jobs=2)
    assert str(failed.value).startswith(f"{target}: cannot write: ")
    assert "\n" not in str(failed.value)
    after = files(published)
    assert [p for p in (published / "output").rglob("*.tmp")] == []
    # en was written before es in page order; nothing of es, no manifest
    assert {name for name in after if after[name] != before.get(name)} == {
        f"en/{SEED}.html"}


def test_jobs_must_be_positive(published: Path) -> None:
    with pytest.raises(PipelineError, match="jobs must be 1 or more"):
        publish(load_config(published), [parse_language("es")], jobs=0)


def test_the_output_code_covers_the_modules_that_make_the_output(tmp_path: Path) -> None:
    from pipeline.site.digests import PACKAGE, output_code, output_modules
    from pipeline.site.manifest import Hashes

    covered = {p.relative_to(PACKAGE).with_suffix("").as_posix() for p in output_modules()}
    site = {p.relative_to(PACKAGE).with_suffix("").as_posix()
            for p in (PACKAGE / "site").glob("*.py") if p.name != "__init__.py"}
    assert site <= covered  # every module of the site package, pdf (imported lazily) too
    assert {"source", "qa/deception", "catalog/entry", "catalog/tiers", "team"} <= covered
    assert not any(name.split("/")[0] in ("cli", "review", "mt") for name in covered)
    copy = tmp_path / "pipeline"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert output_code(Hashes()) == output_code(Hashes())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(digests_module, "PACKAGE", copy)
        same = output_code(Hashes())
        body = copy / "site" / "body.py"
        body.write_text(body.read_text("utf-8") + "\n# a fix\n", encoding="utf-8")
        fixed = output_code(Hashes())
    assert same == output_code(Hashes()) and fixed != same


def test_a_module_added_to_the_render_path_is_covered_without_a_list(tmp_path: Path) -> None:
    from pipeline.site.digests import output_modules

    package = tmp_path / "pkg"
    files = {
        "__init__.py": "",
        "site/__init__.py": "",
        "site/publish.py": "import os\nfrom pkg.site import layout\n",
        "site/layout.py": "def render():\n    from .shapes import draw  # lazily\n",
        "site/shapes.py": "from ..core import colours\n",
        "core/__init__.py": "",
        "core/colours.py": "",
        "core/unused.py": "",
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    covered = {p.relative_to(package).as_posix()
               for p in output_modules(package, "pkg.site.publish")}
    assert covered == set(files) - {"core/unused.py"}


def test_a_change_in_the_pipeline_code_rewrites_every_page(
    published: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(published)
    langs = list(config.languages)
    assert not any(i.written for i in publish(config, langs, formats=["html"], jobs=1).items)
    before = files(published)
    parsed: list[str] = []

    def spy(path: Path) -> Any:
        parsed.append(path.stem)
        return read_page(path)

    monkeypatch.setattr(publish_module, "read_page", spy)
    monkeypatch.setattr(digests_module, "output_code", lambda hashes: "a fixed render.py")
    items = publish(config, langs, formats=["html"], jobs=1).items
    # every page parsed and rendered again (the same bytes here: the code did not change)
    assert sorted(parsed) == sorted([SEED, OTHER])
    assert len(items) == 3 and all(i.written for i in items)  # 2 pages in en, 1 in es
    after = files(published)
    assert after[".manifest.json"] != before[".manifest.json"]
    # and once published by the new code, the pages are up to date again
    assert not any(i.written for i in publish(config, langs, formats=["html"], jobs=1).items)
