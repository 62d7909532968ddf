"""Where a page defines a class that dl_lib also exports, the two give the same results.

Each case builds the page's class (from the page's own code cells) and dl_lib's under one
seed and compares parameters, outputs, losses and gradients; where the page differs on
purpose (5.2's He initialization), the test checks exactly that difference. A change to
either side alone fails it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    ("book/chapter_3/synthetic-regression-data.md", "SyntheticRegressionData"),
    ("book/chapter_3/linear-regression-scratch.md", "LinearRegressionScratch"),
    ("book/chapter_3/linear-regression-scratch.md", "SGD"),
    ("book/chapter_3/linear-regression-concise.md", "LinearRegression"),
    ("book/chapter_4/softmax-regression-scratch.md", "SoftmaxRegressionScratch"),
    ("book/chapter_4/softmax-regression-concise.md", "SoftmaxRegression"),
    ("book/chapter_5/mlp-implementation.md", "MLPScratch"),
]


@pytest.mark.parametrize("page, name", CASES, ids=[f"{p.split('/')[-1]}:{n}" for p, n in CASES])
def test_page_class_agrees_with_dl_lib(page: str, name: str) -> None:
    if not (ROOT / page).exists():
        pytest.fail(f"{page} is missing")
    done = subprocess.run([sys.executable, str(ROOT / "tests/book_agreement/compare.py"), page,
                           name], capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**__import__("os").environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stdout + done.stderr
