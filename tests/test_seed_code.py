"""The seed notebook's own code runs as a plain script against ``import dl_lib as d2l``.

Each script in ``tests/seed_code`` is the student's d2l code with only the import line
changed. It must finish, print no ``<Figure size ...>`` repr, open no window and reach the
student's results.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from dl_lib.fashion_mnist_files import copy_for_torchvision

HERE = Path(__file__).parent / "seed_code"


def run(script: str, env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run([sys.executable, str(HERE / script)], capture_output=True,
                            text=True, env={**os.environ, **env}, cwd=cwd, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "<Figure size" not in result.stdout + result.stderr
    return result.stdout


def test_sections_3_2_to_3_4(tmp_path: Path) -> None:
    out = run("sections_3_2_to_3_4.py", {"DL_LIB_FIGURE_DIR": str(tmp_path / "figures")},
              tmp_path)
    assert 'Class attribute "b" is 1' in out
    assert "self.a = 1 self.b = 2\nThere is no self.c = True" in out
    errors = [float(v) for v in re.findall(r"-?\d+\.\d+", out.split("error in estimating w")[1])]
    assert len(errors) == 3 and max(abs(e) for e in errors) < 0.5, out
    saved = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert len(saved) == 2 and all(name.endswith(".png") for name in saved), saved


def test_sections_4_2_to_5_2(tmp_path: Path) -> None:
    copy_for_torchvision(tmp_path / "data")
    out = run("sections_4_2_to_5_2.py", {"DL_LIB_DATA": str(tmp_path / "data"),
                                         "SEED_EPOCHS": "2"}, tmp_path)
    assert "60000 10000\ntorch.Size([1, 32, 32])" in out
    assert "torch.Size([64, 1, 32, 32]) torch.float32 torch.Size([64]) torch.int64" in out
    assert "tensor(1.4979)" in out and "tensor([0.1000, 0.5000])" in out
    accuracies = [float(v) for v in re.findall(r"val_acc (\d\.\d+)", out)]
    assert len(accuracies) == 5 and min(accuracies) > 0.7, out
