"""d2l's data hub (section 5.7): files found and checked offline, clear errors, unpacking."""

from __future__ import annotations

import hashlib
import inspect
import io
import os
import re
import tarfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

import dl_lib as d2l
from dl_lib import downloads
from dl_lib.fashion_mnist_files import DatasetNotFoundError
from dl_lib.idx_files import CorruptDatasetError

URL = "http://example.invalid/files/table.csv"
CONTENT = b"a,b\n1,2\n"
SHA1 = hashlib.sha1(CONTENT).hexdigest()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Any attempt to open a URL fails the test; the list records the attempts."""
    attempts: list[str] = []

    def refuse(url: str, *args: object, **kwargs: object) -> None:
        attempts.append(url)
        raise AssertionError(f"the test tried to download {url}")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return attempts


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """``urlopen`` serving the bytes of a dict (url -> bytes); downloads allowed."""
    files: dict[str, bytes] = {}

    def serve(url: str, *args: object, **kwargs: object) -> io.BytesIO:
        if url not in files:
            raise urllib.error.URLError("no route to host")
        return io.BytesIO(files[url])

    monkeypatch.setattr(urllib.request, "urlopen", serve)
    monkeypatch.setenv("DL_LIB_DOWNLOAD", "1")
    return files


def test_signatures_match_d2l() -> None:
    def params(f: object) -> list[tuple[str, object]]:
        return [(p.name, p.default) for p in inspect.signature(f).parameters.values()]

    empty = inspect.Parameter.empty
    assert params(d2l.download) == [("url", empty), ("folder", "../data"), ("sha1_hash", None)]
    assert params(d2l.extract) == [("filename", empty), ("folder", None)]
    assert params(d2l.download_extract) == [("name", empty), ("folder", None)]
    assert d2l.DATA_URL == "http://d2l-data.s3-accelerate.amazonaws.com/"


def test_data_hub_entries_are_urls_and_sha1s() -> None:
    assert {"fra-eng", "aclImdb", "kaggle_house_train", "kaggle_house_test"} <= set(d2l.DATA_HUB)
    for name, (url, sha1) in d2l.DATA_HUB.items():
        assert url.startswith("http") and re.fullmatch(r"[0-9a-f]{40}", sha1), name
    assert d2l.DATA_HUB["kaggle_house_train"] == (
        d2l.DATA_URL + "kaggle_house_pred_train.csv", "585e9cc93e70b39160e7921475f9bcd7d31219ce")


def test_existing_file_with_right_sha1_is_returned_without_network(
        tmp_path: Path, no_network: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "table.csv").write_bytes(CONTENT)
    for allowed in ("0", "1"):
        monkeypatch.setenv("DL_LIB_DOWNLOAD", allowed)
        assert d2l.download(URL, str(tmp_path), sha1_hash=SHA1) == str(tmp_path / "table.csv")
    assert no_network == []


def test_existing_file_without_a_hash_is_returned(tmp_path: Path, no_network: list[str]) -> None:
    (tmp_path / "table.csv").write_bytes(CONTENT)
    assert Path(d2l.download(URL, tmp_path)).read_bytes() == CONTENT


def test_hub_name_is_looked_up(tmp_path: Path, no_network: list[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(d2l.DATA_HUB, "table", (URL, SHA1))
    (tmp_path / "table.csv").write_bytes(CONTENT)
    assert d2l.download("table", tmp_path) == str(tmp_path / "table.csv")
    with pytest.raises(KeyError, match="neither a URL nor a name in DATA_HUB"):
        d2l.download("no-such-name", tmp_path)


def test_wrong_sha1_is_an_error_and_the_file_is_left_alone(
        tmp_path: Path, no_network: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DL_LIB_DOWNLOAD", "1")
    path = tmp_path / "table.csv"
    path.write_bytes(b"something else")
    with pytest.raises(CorruptDatasetError) as info:
        d2l.download(URL, str(tmp_path), sha1_hash=SHA1)
    message = str(info.value)
    assert str(path) in message and SHA1 in message
    assert hashlib.sha1(b"something else").hexdigest() in message
    assert "delete it" in message and "replace it" in message
    assert path.read_bytes() == b"something else" and no_network == []


def test_forbidden_download_names_file_folder_and_fix(
        tmp_path: Path, no_network: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DL_LIB_DOWNLOAD", "0")
    folder = tmp_path / "data"
    with pytest.raises(DatasetNotFoundError) as info:
        d2l.download(URL, str(folder), sha1_hash=SHA1)
    message = str(info.value)
    assert "table.csv was not found" in message
    assert str(folder / "table.csv") in message
    assert URL in message and "DL_LIB_DOWNLOAD" in message
    assert f"put it into {folder}" in message
    assert not folder.exists() and no_network == []


def test_d2l_default_folder_is_read_but_never_written(
        tmp_path: Path, fake_server: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    work, data, cache = tmp_path / "work", tmp_path / "data", tmp_path / "cache"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("DL_LIB_DATA", str(cache))
    fake_server[URL] = CONTENT
    path = Path(d2l.download(URL, sha1_hash=SHA1))
    assert path == cache / "table.csv" and path.read_bytes() == CONTENT
    assert not data.exists()
    data.mkdir()
    (data / "table.csv").write_bytes(CONTENT)  # a d2l reader's copy is found first
    assert d2l.download(URL, sha1_hash=SHA1) == os.path.join("..", "data", "table.csv")


def test_download_writes_the_file_when_allowed(tmp_path: Path,
                                               fake_server: dict[str, bytes]) -> None:
    fake_server[URL] = CONTENT
    path = d2l.download(URL, str(tmp_path / "new"), sha1_hash=SHA1)
    assert Path(path).read_bytes() == CONTENT
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["table.csv"]


def test_download_with_wrong_sha1_keeps_nothing(tmp_path: Path,
                                                fake_server: dict[str, bytes]) -> None:
    fake_server[URL] = b"tampered"
    with pytest.raises(CorruptDatasetError, match="was not kept"):
        d2l.download(URL, str(tmp_path), sha1_hash=SHA1)
    assert list(tmp_path.iterdir()) == []


def test_failed_download_says_why_and_how_to_fix(tmp_path: Path,
                                                 fake_server: dict[str, bytes]) -> None:
    with pytest.raises(DatasetNotFoundError, match="The download failed") as info:
        d2l.download(URL, str(tmp_path), sha1_hash=SHA1)
    assert f"put it into {tmp_path}" in str(info.value)
    assert list(tmp_path.iterdir()) == []


TREE = {"pack/a.txt": b"A", "pack/sub/b.txt": b"B"}


def check_tree(folder: Path) -> None:
    assert (folder / "pack" / "a.txt").read_bytes() == b"A"
    assert (folder / "pack" / "sub" / "b.txt").read_bytes() == b"B"


def write_tar(path: Path, mode: str, members: dict[str, bytes]) -> None:
    with tarfile.open(path, mode) as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))


def test_extract_zip_into_its_own_folder(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "pack.zip", "w") as archive:
        for name, content in TREE.items():
            archive.writestr(name, content)
    d2l.extract(str(tmp_path / "pack.zip"))
    check_tree(tmp_path)


@pytest.mark.parametrize("suffix, mode", [(".tar", "w"), (".tar.gz", "w:gz")])
def test_extract_tar_and_tar_gz_into_a_given_folder(tmp_path: Path, suffix: str,
                                                    mode: str) -> None:
    archive = tmp_path / f"pack{suffix}"
    write_tar(archive, mode, TREE)
    d2l.extract(str(archive), str(tmp_path / "out"))
    check_tree(tmp_path / "out")


def test_extract_refuses_other_files_and_escaping_members(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match="only .zip, .tar and .tar.gz"):
        d2l.extract(str(tmp_path / "notes.txt"))
    write_tar(tmp_path / "evil.tar", "w", {"../escaped.txt": b"x"})
    if hasattr(tarfile, "data_filter"):
        with pytest.raises(tarfile.TarError):
            d2l.extract(str(tmp_path / "evil.tar"), str(tmp_path / "out"))
        assert not (tmp_path / "escaped.txt").exists()


def test_download_extract_returns_the_unpacked_folder(
        tmp_path: Path, no_network: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "data").mkdir()
    archive = tmp_path / "data" / "pack.tar.gz"
    write_tar(archive, "w:gz", TREE)
    monkeypatch.setitem(d2l.DATA_HUB, "pack", (d2l.DATA_URL + "pack.tar.gz",
                                               downloads.sha1(archive)))
    monkeypatch.chdir(tmp_path / "work")
    assert d2l.download_extract("pack") == os.path.join("..", "data", "pack")
    assert d2l.download_extract("pack", "pack/sub") == os.path.join("..", "data", "pack/sub")
    check_tree(tmp_path / "data")
