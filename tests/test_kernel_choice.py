"""The kernel verdict is measured once per machine and then read back, never guessed."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from dl_lib import kernel_choice


def slow(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    for _ in range(20):
        out = A @ B.T
    return out


def test_a_slower_kernel_is_not_chosen_and_the_verdict_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "choice.json"
    assert kernel_choice.onednn_is_faster(slow, path) is False
    stored = json.loads(path.read_text())
    assert stored["machine"] == kernel_choice.machine_key() and stored["onednn"] is False
    assert stored["seconds"]["onednn"] > stored["seconds"]["default"]


def test_the_stored_verdict_is_read_for_this_machine_only(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "choice.json"
    path.write_text(json.dumps({"machine": kernel_choice.machine_key(), "onednn": True}))
    assert kernel_choice.onednn_is_faster(lambda A, B: 1 / 0, path) is True  # not measured
    monkeypatch.setattr(kernel_choice, "machine_key", lambda: "another CPU")
    assert kernel_choice.onednn_is_faster(slow, path) is False  # measured again
    assert json.loads(path.read_text())["machine"] == "another CPU"


def test_a_damaged_or_unwritable_record_means_measuring(tmp_path: Path) -> None:
    damaged = tmp_path / "choice.json"
    damaged.write_text("{not json")
    assert kernel_choice.onednn_is_faster(slow, damaged) is False
    unwritable = tmp_path / "file" / "choice.json"
    (tmp_path / "file").write_text("a file where a folder should be")
    assert kernel_choice.onednn_is_faster(slow, unwritable) is False


def cpuinfo(flags: str, model: int = 1) -> str:
    block = (f"processor\t: {{n}}\nmodel name\t: AMD EPYC\ncpu family\t: 25\nmodel\t\t: {model}\n"
             f"stepping\t: 1\nflags\t\t: fpu sse2 {flags}\n")
    return "\n".join(block.format(n=n) for n in range(2))


def test_cpus_that_share_a_model_name_are_told_apart() -> None:
    """A verdict measured on an AVX-512 'AMD EPYC' is not read on an AVX2 one of that name."""
    avx512, avx2 = cpuinfo("avx2 fma avx512f avx512_bf16"), cpuinfo("avx2 fma")
    assert kernel_choice.cpu_identity(avx512) != kernel_choice.cpu_identity(avx2)
    assert kernel_choice.cpu_identity(avx2) != kernel_choice.cpu_identity(cpuinfo("avx2 fma", 17))
    assert kernel_choice.cpu_identity(avx2) == \
        "AMD EPYC (family 25, model 1, stepping 1; avx2 fma)"
    assert kernel_choice.cpu_identity("") == \
        "unknown CPU (family ?, model ?, stepping ?; no AVX2)"
