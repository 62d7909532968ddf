"""Build a class as a book page defines it and as dl_lib defines it, under one seed, and
compare them: parameters, outputs, losses and gradients. Run as a script in its own process
(pages may patch ``d2l.Trainer`` with ``add_to_class``):

    python tests/book_agreement/compare.py book/chapter_3/linear-regression-scratch.md LinearRegressionScratch

It prints one line per check and exits 1 at the first disagreement.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import jupytext
import torch

import dl_lib as d2l
from dl_lib.checkpoint import trained_tensors

ROOT = Path(__file__).resolve().parents[2]


def page_namespace(page: Path) -> dict[str, Any]:
    """Run the page's code cells in order, up to the first one that trains, in a namespace."""
    notebook = jupytext.read(page, fmt="md:myst")
    namespace: dict[str, Any] = {"__name__": "__page__"}
    os.chdir(page.parent)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if ".fit(" in cell.source or "raises-exception" in cell.metadata.get("tags", []):
            break
        exec(compile(cell.source, f"{page.name}", "exec"), namespace)  # noqa: S102
    return namespace


def close(name: str, a: torch.Tensor, b: torch.Tensor, exact: bool = False) -> None:
    ok = torch.equal(a, b) if exact else torch.allclose(a, b, rtol=1e-4, atol=1e-6)
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {tuple(a.shape)}")
    if not ok:
        print(f"     largest difference {float((a - b).abs().max()):.3g}")
        sys.exit(1)


def params(model: Any) -> list[torch.Tensor]:
    """What the model's optimizer trains (registered parameters or plain tensors)."""
    tensors = trained_tensors(model.configure_optimizers())
    assert tensors, f"{type(model).__name__} trains nothing"
    return tensors


def same_model(make_page: Callable[[], Any], make_lib: Callable[[], Any],
               batch: tuple[torch.Tensor, torch.Tensor], exact_init: bool = True) -> None:
    """Same seed, same parameters; same outputs, loss and gradients on one batch."""
    d2l.set_seed(0)
    page = make_page()
    d2l.set_seed(0)
    lib = make_lib()
    X, y = batch
    page(X), lib(X)  # lazy layers take their shapes
    if not exact_init:
        with torch.no_grad():
            for p, q in zip(params(page), params(lib)):
                q.copy_(p)
    for i, (p, q) in enumerate(zip(params(page), params(lib))):
        close(f"parameter {i}", p.detach(), q.detach(), exact=True)
    out_page, out_lib = page(X), lib(X)
    close("output", out_page.detach(), out_lib.detach())
    loss_page, loss_lib = page.loss(out_page, y), lib.loss(out_lib, y)
    close("loss", loss_page.detach(), loss_lib.detach())
    loss_page.backward()
    loss_lib.backward()
    for i, (p, q) in enumerate(zip(params(page), params(lib))):
        close(f"gradient {i}", p.grad, q.grad)


def images(n: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    return torch.rand(n, 1, 28, 28, generator=g), torch.randint(0, 10, (n,), generator=g)


def regression(n: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    return torch.randn(n, 2, generator=g), torch.randn(n, 1, generator=g)


def check(page_path: str, name: str) -> None:
    ns = page_namespace(ROOT / page_path)
    Page, Lib = ns[name], getattr(d2l, name)
    if name == "LinearRegressionScratch":
        same_model(lambda: Page(2, lr=0.03), lambda: Lib(2, lr=0.03), regression())
    elif name == "SoftmaxRegressionScratch":
        same_model(lambda: Page(784, 10, lr=0.1), lambda: Lib(784, 10, lr=0.1), images())
    elif name == "MLPScratch":
        # The page's default initialization is He's (explained there); with sigma=0.01, d2l's
        # and dl_lib's default, the two are the same model.
        same_model(lambda: Page(784, 10, 256, lr=0.1, sigma=0.01),
                   lambda: Lib(784, 10, 256, lr=0.1), images())
        d2l.set_seed(0)
        he = Page(784, 10, 256, lr=0.1)
        d2l.set_seed(0)
        small = Lib(784, 10, 256, lr=0.1)
        close("He scaling of W1", he.W1.detach(), small.W1.detach() * (2 / 784) ** 0.5 / 0.01)
        close("He scaling of W2", he.W2.detach(), small.W2.detach() * (2 / 256) ** 0.5 / 0.01)
    elif name == "SGD":
        for Opt in (Page, Lib):
            d2l.set_seed(0)
            w = torch.randn(3, requires_grad=True)
            (w ** 2).sum().backward()
            Opt([w], lr=0.1).step()
            if Opt is Page:
                stepped = w.detach().clone()
        close("SGD step", stepped, w.detach(), exact=True)
    elif name == "SyntheticRegressionData":
        d2l.set_seed(0)
        page = Page(w=torch.tensor([2, -3.4]), b=4.2)
        d2l.set_seed(0)
        lib = Lib(w=torch.tensor([2, -3.4]), b=4.2)
        close("X", page.X, lib.X, exact=True)
        close("y", page.y, lib.y, exact=True)
    elif name in ("LinearRegression", "SoftmaxRegression"):
        # The page initializes as d2l's text does; dl_lib keeps PyTorch's default
        # initialization (see the page): with the page's parameters copied, they agree.
        args = {"LinearRegression": (dict(lr=0.03), regression()),
                "SoftmaxRegression": (dict(num_outputs=10, lr=0.1), images())}[name]
        same_model(lambda: Page(**args[0]), lambda: Lib(**args[0]), args[1], exact_init=False)
    else:
        raise SystemExit(f"no comparison for {name}")


if __name__ == "__main__":
    check(sys.argv[1], sys.argv[2])
