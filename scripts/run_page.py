"""Execute one page of the book top to bottom, as the chapter tests do, and say how it went.

    .venv/bin/python scripts/run_page.py book/chapter_3/weight-decay.md
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
from nbclient import NotebookClient


def main(path: str) -> None:
    page = Path(path).resolve()
    notebook = jupytext.read(page, fmt="md:myst")
    NotebookClient(notebook, timeout=900, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(page.parent)}}).execute()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                print(output["text"], end="")
    print(f"{page.name}: executed without error")


if __name__ == "__main__":
    main(sys.argv[1])
