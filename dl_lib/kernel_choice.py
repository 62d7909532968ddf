"""Which fp32 matrix-product kernel is faster on this machine: measured once, remembered.

oneDNN's linear kernel is about twice torch's default (MKL) on one kind of CPU and no faster
on another, so ``fast_linear`` does not assume: the first model that needs a matrix product
measures both kernels on a training step's three products at the book's MLP shapes (batch 256,
784 inputs, 256 hidden units), each passed as the step passes it, and keeps the faster. The
verdict is stored per machine in ``~/.cache/dl_lib``, so that every later run on the machine
takes the same kernel and prints the same numbers. The machine is told by more than its model
name, which cloud CPUs share across generations ("AMD EPYC"): by its family, model and
stepping numbers and its vector instructions (AVX2, AVX-512, AMX) too.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import time
from pathlib import Path
from typing import Callable

import torch

from . import settings

CHOICE_FILE = settings.CACHE_DIR / "linear-kernel.json"
# oneDNN is taken only when clearly faster: a near tie is not worth leaving torch's own path.
MARGIN = 0.9
ROUNDS = 7


# The instruction sets that decide which kernel wins; other flags would only split machines.
VECTOR_FLAGS = ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile")


def cpu_identity(cpuinfo: str | None = None) -> str:
    """The first CPU's model name, family/model/stepping numbers and vector instructions.

    >>> cpu_identity("model name : AMD EPYC\\ncpu family : 25\\nmodel : 1\\nstepping : 1\\n"
    ...              "flags : fpu avx2 fma sse4_2\\n")
    'AMD EPYC (family 25, model 1, stepping 1; avx2 fma)'
    """
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return "unknown CPU"
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        name, sep, value = line.partition(":")
        if not sep:
            if fields:
                break  # the first processor's block is enough
            continue
        fields.setdefault(name.strip(), value.strip())
    flags = set(fields.get("flags", "").split())
    vector = " ".join(f for f in VECTOR_FLAGS if f in flags) or "no AVX2"
    return (f"{fields.get('model name', 'unknown CPU')} (family {fields.get('cpu family', '?')}, "
            f"model {fields.get('model', '?')}, stepping {fields.get('stepping', '?')}; {vector})")


def machine_key() -> str:
    """What the verdict depends on: the CPU (``cpu_identity``), cores, torch's version and
    thread count.

    >>> str(torch.get_num_threads()) in machine_key()
    True
    """
    return (f"{cpu_identity()}; {os.cpu_count()} cores; torch {torch.__version__}; "
            f"{torch.get_num_threads()} threads")


def _seconds(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(3):
        step()
    return time.perf_counter() - start


def measure(onednn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> dict[str, float]:
    """Seconds for a training step's three products (forward, and the two gradients) with
    torch's default kernel and with ``onednn(A, B)`` (which computes ``A @ B.T``), measured in
    alternation; medians of ``ROUNDS`` rounds.

    >>> times = measure(lambda A, B: A @ B.T)
    >>> sorted(times), all(t > 0 for t in times.values())
    (['default', 'onednn'], True)
    """
    generator = torch.Generator().manual_seed(0)
    X, W, G = (torch.randn(*shape, generator=generator)
               for shape in ((256, 784), (256, 784), (256, 256)))

    def default() -> None:
        X @ W.T, G @ W, G.T @ X

    def fast() -> None:  # transposed views, as fast_linear's backward passes them
        onednn(X, W), onednn(G, W.t()), onednn(G.t(), X.t())

    default(), fast()  # first calls pick and cache their kernels
    times: dict[str, list[float]] = {"default": [], "onednn": []}
    for _ in range(ROUNDS):
        times["default"].append(_seconds(default))
        times["onednn"].append(_seconds(fast))
    return {name: statistics.median(values) for name, values in times.items()}


def onednn_is_faster(onednn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
                     choice_file: Path = CHOICE_FILE) -> bool:
    """Whether ``onednn`` beats torch's default kernel here by ``MARGIN``: read from
    ``choice_file`` when it holds this machine's verdict, else measured and stored there.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "choice.json"
    ...     first = onednn_is_faster(lambda A, B: A @ B.T, path)
    ...     first == onednn_is_faster(lambda A, B: 1 / 0, path)  # remembered, not measured
    True
    """
    key = machine_key()
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        stored = json.loads(choice_file.read_text(encoding="utf-8"))
        if stored["machine"] == key:
            return bool(stored["onednn"])
    times = measure(onednn)
    faster = times["onednn"] < MARGIN * times["default"]
    record = {"machine": key, "onednn": faster, "seconds": times}
    with contextlib.suppress(OSError):  # a read-only home: measure again next time
        choice_file.parent.mkdir(parents=True, exist_ok=True)
        partial = choice_file.with_name(f"{choice_file.name}.{os.getpid()}")
        partial.write_text(json.dumps(record, indent=1), encoding="utf-8")
        partial.replace(choice_file)
    return faster
