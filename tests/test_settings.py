"""Settings: one module reads the environment; switches take the usual spellings; README agrees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dl_lib import settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("word, value", [("0", False), ("false", False), ("No", False),
                                         ("OFF", False), ("1", True), ("true", True),
                                         ("yes", True), (" on ", True)])
def test_switches_accept_the_usual_spellings(word: str, value: bool,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DL_LIB_DOWNLOAD", word)
    monkeypatch.setenv("DL_LIB_ONEDNN", word)
    assert settings.download_allowed() is value
    assert settings.onednn_requested() is value


def test_a_switch_that_is_not_understood_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DL_LIB_ONEDNN", "nein")
    with pytest.raises(ValueError, match="DL_LIB_ONEDNN='nein' is not understood: use 1, true"):
        settings.onednn_requested()


def test_unset_switches_take_their_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DL_LIB_DOWNLOAD", raising=False)
    monkeypatch.delenv("DL_LIB_ONEDNN", raising=False)
    assert settings.download_allowed() and settings.onednn_requested()


def test_a_figure_dir_that_is_a_file_is_refused_at_once(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    afile = tmp_path / "figures"
    afile.write_text("not a folder")
    monkeypatch.setenv("DL_LIB_FIGURE_DIR", str(afile))
    with pytest.raises(NotADirectoryError, match="DL_LIB_FIGURE_DIR=.* is a file"):
        settings.figure_dir()


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = sorted(p.name for p in (ROOT / "dl_lib").glob("*.py")
                     if re.search(r"os\.environ|os\.getenv", p.read_text()))
    assert readers == ["settings.py"]


def test_the_readme_table_lists_exactly_the_variables_dl_lib_reads() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Environment variables dl_lib reads", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `(DL_LIB_[A-Z_]+)` \|", table, flags=re.M))
    assert listed == set(settings.VARIABLES)
    assert "default" in table  # each entry says what happens when it is unset


def test_the_debian_data_path_is_written_once() -> None:
    path = str(settings.DEBIAN_FASHION_MNIST)
    places = [str(p.relative_to(ROOT)) for folder in ("dl_lib", "tests", "bench", "scripts")
              for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in (".py", ".sh")
              and path in p.read_text(errors="ignore")]
    assert places == ["dl_lib/settings.py"]
