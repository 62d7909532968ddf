"""Speed benchmark: each figure against its baseline measured in the same run, as ratios.

Run with ``make bench``. Prints a table and writes it to ``bench/results/latest.md``, with the
machine's description. ``--only page,import`` runs some sections (written to
``latest-partial.md``); ``--book`` adds the rebuild figures (a clean build of a copy of the
book, then an unchanged rebuild and one after a one-function change; see bench/book_builds.py).
Machines here are shared and noisy, so every figure is a median over repeats, and the
targets are ratios, never absolute times. Nothing here is a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import torch

import dl_lib as d2l
from dl_lib import fast_linear, kernel_choice
from dl_lib.fashion_mnist_files import copy_for_torchvision

sys.path.insert(0, str(Path(__file__).resolve().parent))
import book_builds  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TV_ROOT = ROOT / "_build" / "data"


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_time(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm-up: first-touch allocations, lazy imports, thread pools
    return statistics.median(timed(fn) for _ in range(repeats))


def one_pass(loader) -> None:
    for X, y in loader:
        pass


def torchvision_loader(resize: tuple[int, int]):
    """d2l 1.0.3's pipeline: per-image PIL transforms and 4 worker processes."""
    import torchvision
    from torchvision import transforms

    copy_for_torchvision(TV_ROOT)
    trans = transforms.Compose([transforms.Resize(resize), transforms.ToTensor()])
    dataset = torchvision.datasets.FashionMNIST(str(TV_ROOT), train=True, transform=trans,
                                                download=False)
    return torch.utils.data.DataLoader(dataset, 256, shuffle=True, num_workers=4)


def bench_data(rows: list[tuple[str, str, str, str]]) -> float:
    pass_28 = 0.0
    for size, target in (((28, 28), 100), ((32, 32), 50)):
        data = d2l.FashionMNIST(batch_size=256, resize=size)
        ours = median_time(lambda: one_pass(data.train_dataloader()), 7)
        theirs = median_time(lambda: one_pass(torchvision_loader(size)), 3)
        rows.append((f"1. data pass, batch 256, resize {size}",
                     f"dl_lib {ours * 1e3:.0f} ms", f"torchvision+DataLoader(4 workers) "
                     f"{theirs * 1e3:.0f} ms",
                     f"{theirs / ours:.0f}x faster (target >= {target}x)"))
        if size == (28, 28):
            pass_28 = ours
    return pass_28


def streamed_batches(data):
    return [X.reshape(len(X), -1) for X, _ in data.train_dataloader()], \
           [X.reshape(len(X), -1) for X, _ in data.val_dataloader()]


def matmul_floor(train, val, hidden: int = 256, outputs: int = 10) -> None:
    """The epoch's bare matmuls with torch's default kernel: forward, weight gradients,
    hidden-layer gradient, then the validation forward."""
    W1, W2 = torch.randn(784, hidden), torch.randn(hidden, outputs)
    for X in train:
        H = X @ W1
        O = H @ W2
        H.T @ O
        G = O @ W2.T
        X.T @ G
    for X in val:
        (X @ W1) @ W2


def onednn_floor(train, t_train, val, hidden: int = 256, outputs: int = 10) -> None:
    """The same matmuls on oneDNN's kernel, which computes ``A @ W.T + b``."""
    kernel = torch.ops.mkldnn._linear_pointwise
    W1, W2 = torch.randn(hidden, 784), torch.randn(outputs, hidden)  # [out, in]
    W1t, W2t = W1.T.contiguous(), W2.T.contiguous()
    for X, XT in zip(train, t_train):
        H = kernel(X, W1, None, "none", [], "")
        O = kernel(H, W2, None, "none", [], "")
        OT = O.T.contiguous()
        kernel(OT, H.T.contiguous(), None, "none", [], "")
        G = kernel(O, W2t, None, "none", [], "")
        kernel(G.T.contiguous(), XT, None, "none", [], "")
    for X in val:
        kernel(kernel(X, W1, None, "none", [], ""), W2, None, "none", [], "")


def plain_torch_epoch(data, net: torch.nn.Module, optimizer) -> None:
    """The epoch as a reader would write it in bare PyTorch: no board, checks or Trainer."""
    net.train()
    for X, y in data.train_dataloader():
        loss = torch.nn.functional.cross_entropy(net(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    net.eval()
    with torch.no_grad():
        for X, y in data.val_dataloader():
            net(X)


def bench_training(rows, pass_28: float) -> None:
    data = d2l.FashionMNIST(batch_size=256)
    train, val = streamed_batches(data)
    model = d2l.MLP(num_outputs=10, num_hiddens=256, lr=0.1)
    d2l.Trainer(max_epochs=1).fit(model, data)  # materialise the lazy layers, warm up
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 256), torch.nn.ReLU(),
                              torch.nn.Linear(256, 10))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    plain_torch_epoch(data, net, optimizer)
    # oneDNN computes A @ B.T from row-major operands: give it the transposes up front, so
    # that its floor counts the kernel only.
    t_train = [X.T.contiguous() for X in train]
    times: dict[str, list[float]] = {"epoch": [], "floor": [], "onednn": [], "plain": []}
    for _ in range(7):  # in alternation, so that a change in the machine's load hits all four
        times["epoch"].append(timed(lambda: d2l.Trainer(max_epochs=1).fit(model, data)))
        times["floor"].append(timed(lambda: matmul_floor(train, val)))
        times["onednn"].append(timed(lambda: onednn_floor(train, t_train, val)))
        times["plain"].append(timed(lambda: plain_torch_epoch(data, net, optimizer)))
    epoch, floor, dnn_floor, plain = (statistics.median(times[k])
                                      for k in ("epoch", "floor", "onednn", "plain"))

    def ratio(baseline: str) -> float:  # the median of the rounds' ratios
        return statistics.median(e / b for e, b in zip(times["epoch"], times[baseline]))

    kernel = fast_linear.chosen_kernel()
    rows.append((f"2. MLP 784-256-10 epoch via Trainer.fit (SGD, lr 0.1, batch 256, val, "
                 f"board); kernel: {kernel} (dl_lib/kernel_choice.py measured it the faster "
                 "here)", f"epoch {epoch:.3f} s", f"default-matmul floor {floor:.3f} s",
                 f"{ratio('floor'):.2f}x the floor (target <= 1.0x)"))
    rows.append(("3. the same epoch against oneDNN's kernel", f"epoch {epoch:.3f} s",
                 f"oneDNN floor {dnn_floor:.3f} s", f"{ratio('onednn'):.2f}x the oneDNN floor"))
    rows.append(("3b. the same epoch against bare PyTorch (nn.Sequential, SGD, the same "
                 "batches, no board or checks)", f"epoch {epoch:.3f} s",
                 f"bare PyTorch {plain:.3f} s", f"{ratio('plain'):.2f}x bare PyTorch"))
    softmax = d2l.SoftmaxRegressionScratch(784, 10, lr=0.1)
    epoch = median_time(lambda: d2l.Trainer(max_epochs=1).fit(softmax, data), 5)
    rows.append(("2b. softmax regression scratch epoch", f"epoch {epoch:.3f} s",
                 f"data pass {pass_28:.3f} s", f"{epoch / pass_28:.1f}x the data pass"))


def full_accuracy(model, data) -> float:
    model.eval()
    with torch.no_grad():
        hits = sum(float(model.accuracy(model(X), y, averaged=False).sum())
                   for X, y in data.val_dataloader())
    return hits / len(data.val)


def bench_accuracy(rows) -> None:
    """Accuracy after 10 epochs on the full validation set, and as d2l's board shows it (the
    mean of the last epoch's batch accuracies). The MLP is also run with seeds 0-4, since a
    single seed moves its accuracy by about 0.01."""
    data = d2l.FashionMNIST(batch_size=256)
    for name, make, target, seeds in (
        ("softmax regression scratch", lambda: d2l.SoftmaxRegressionScratch(784, 10, lr=0.1),
         0.824, [0]),
        ("MLP scratch 784-256-10", lambda: d2l.MLPScratch(784, 10, 256, lr=0.1), 0.850,
         [0, 1, 2, 3, 4]),
    ):
        results = []
        for seed in seeds:
            d2l.set_seed(seed)
            model = make()
            seconds = timed(lambda: d2l.Trainer(max_epochs=10).fit(model, data))
            results.append((full_accuracy(model, data), model.board.last("val_acc"), seconds))
        acc, board, seconds = results[0]
        verdict = "met" if acc >= target else f"full set {target - acc:.4f} short"
        rows.append((f"4. {name}, 10 epochs, set_seed(0)",
                     f"val acc {acc:.4f} (board {board:.4f})", f"d2l 1.0.3: {target}",
                     f"{verdict}; board {'met' if board >= target else 'short'} "
                     f"({seconds / 10:.2f} s/epoch)"))
        if len(seeds) > 1:
            median = statistics.median(r[0] for r in results)
            each = ", ".join(f"{r[0]:.4f}" for r in results)
            rows.append((f"4b. {name}, seeds {seeds[0]}-{seeds[-1]}",
                         f"median val acc {median:.4f}", f"d2l 1.0.3: {target}",
                         f"{'met' if median >= target else 'short'} (each: {each})"))


def bench_import(rows) -> None:
    def run(code: str) -> float:
        return timed(lambda: subprocess.run([sys.executable, "-c", code], check=True))

    lib, base = [], []
    for _ in range(7):
        base.append(run("import torch"))
        lib.append(run("import dl_lib"))
    ratios = [a / b for a, b in zip(lib, base)]
    rows.append(("5. start-up: python -c 'import dl_lib'", f"{statistics.median(lib):.2f} s",
                 f"import torch {statistics.median(base):.2f} s",
                 f"{statistics.median(ratios):.2f}x (target <= 1.3x)"))


def machine() -> str:
    """The machine's description: CPU model, cores, torch's threads, fp32 matmul GFLOP/s."""
    model = kernel_choice.cpu_identity()
    A, B = torch.randn(1024, 1024), torch.randn(1024, 1024)
    seconds = median_time(lambda: A @ B, 9)
    return (f"{model}, {os.cpu_count()} cores, torch {torch.__version__} with "
            f"{torch.get_num_threads()} threads, fp32 matmul 1024^3 "
            f"{2 * 1024 ** 3 / seconds / 1e9:.0f} GFLOP/s, "
            f"load average {os.getloadavg()[0]:.1f} at the start")


SECTIONS = ("data", "training", "accuracy", "import", "page", "book")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated sections, of: "
                        + ", ".join(SECTIONS) + " (default: all but book)")
    parser.add_argument("--book", action="store_true",
                        help="also build a copy of the book from scratch, unchanged and after "
                             "a one-function change (takes as long as a clean build)")
    args = parser.parse_args(argv)
    chosen = set(filter(None, args.only.split(","))) or set(SECTIONS) - {"book"}
    if args.book:
        chosen.add("book")
    os.environ.setdefault("DL_LIB_DOWNLOAD", "0")
    rows: list[tuple[str, str, str, str]] = []
    description = machine()
    print(description)
    print(f"GPU: {torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'none'}")
    pass_28 = bench_data(rows) if "data" in chosen else 0.0
    if "training" in chosen:
        bench_training(rows, pass_28 or median_time(
            lambda: one_pass(d2l.FashionMNIST(batch_size=256).train_dataloader()), 3))
    if "accuracy" in chosen:
        bench_accuracy(rows)
    if "import" in chosen:
        bench_import(rows)
    if "page" in chosen:
        book_builds.page_quiet_and_loaded(rows)
    if "book" in chosen:
        book_builds.rebuilds(rows)
    table = ["| what | dl_lib | baseline (same run) | ratio |", "|---|---|---|---|"]
    table += [f"| {' | '.join(row)} |" for row in rows]
    text = f"Machine: {description}\n\n" + "\n".join(table)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "latest.md" if chosen >= set(SECTIONS) - {"book"} else "latest-partial.md"
    (RESULTS / name).write_text(text + "\n")
    print(f"written to {RESULTS / name}")


if __name__ == "__main__":
    main()
