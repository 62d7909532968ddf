"""Issue "Nothing lost, nothing silent": every failure names the thing, the value and the fix."""

from __future__ import annotations

import gzip
import math
import sys
import types
from pathlib import Path

import pytest
import torch

import dl_lib as d2l
from dl_lib import fashion_mnist
from dl_lib.idx_files import CorruptDatasetError

# --- Fashion-MNIST not found -----------------------------------------------------------------


def test_missing_dataset_lists_every_place_and_the_fixes(no_dataset_anywhere: Path,
                                                         tmp_path: Path) -> None:
    root = no_dataset_anywhere
    with pytest.raises(d2l.DatasetNotFoundError) as caught:
        d2l.FashionMNIST(root=str(root))
    message = str(caught.value)
    print(message)
    assert isinstance(caught.value, FileNotFoundError)
    assert "Fashion-MNIST was not found" in message
    assert "train-/t10k-images-idx3-ubyte" in message
    for base in (root, tmp_path / "debian-empty", tmp_path / "cache-empty"):
        for folder in (base, base / "FashionMNIST" / "raw", base / "fashion-mnist"):
            assert f"  - {folder}\n" in message
    assert "Downloading is switched off (DL_LIB_DOWNLOAD=0)" in message
    assert "sudo apt-get install dataset-fashion-mnist" in message
    assert "export DL_LIB_DATA=/path" in message and "FashionMNIST(root='/path')" in message
    assert "export DL_LIB_DOWNLOAD=1" in message


def test_missing_dataset_also_lists_dl_lib_data(no_dataset_anywhere: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DL_LIB_DATA", str(tmp_path / "from-env"))
    with pytest.raises(d2l.DatasetNotFoundError, match="from-env/FashionMNIST/raw"):
        d2l.FashionMNIST(root=str(no_dataset_anywhere))


def test_a_failed_download_says_it_failed_and_why(no_dataset_anywhere: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("torchvision")
    import torchvision

    def offline(root, train=True, download=False, **kwargs):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz: network unreachable")

    monkeypatch.setenv("DL_LIB_DOWNLOAD", "1")
    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", offline)
    with pytest.raises(d2l.DatasetNotFoundError) as caught:
        d2l.FashionMNIST(root=str(no_dataset_anywhere))
    message = str(caught.value)
    print(message)
    assert "The download failed: Error downloading train-images-idx3-ubyte.gz: " \
           "network unreachable" in message
    assert str(no_dataset_anywhere) in message
    assert "sudo apt-get install dataset-fashion-mnist" in message
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert f"downloading it with torchvision into {no_dataset_anywhere}" in capsys.readouterr().err


def test_a_download_that_leaves_no_files_says_so(no_dataset_anywhere: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torchvision")
    import torchvision

    monkeypatch.setenv("DL_LIB_DOWNLOAD", "1")
    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", lambda *a, **k: None)
    with pytest.raises(d2l.DatasetNotFoundError, match="A download finished but left no"):
        d2l.FashionMNIST(root=str(no_dataset_anywhere))


# --- Corrupt IDX files -------------------------------------------------------------------------


def cached_paths() -> set[str]:
    return {path for key in fashion_mnist._cache for path, _, _ in key}


def load(root: Path) -> d2l.FashionMNIST:
    return d2l.FashionMNIST(batch_size=4, root=str(root))


def corrupt_then_fix(root: Path, bad: Path, bad_bytes: bytes, partner: Path | None = None) -> str:
    """Write ``bad_bytes`` to ``bad``, check loading fails and caches nothing of it (nor of its
    ``partner`` file), then restore the file and check loading works; return the message."""
    good = bad.read_bytes()
    bad.write_bytes(bad_bytes)
    with pytest.raises(CorruptDatasetError) as caught:
        load(root)
    assert isinstance(caught.value, ValueError)
    assert str(bad) not in cached_paths()  # nothing half-loaded is kept
    assert partner is None or str(partner) not in cached_paths()
    bad.write_bytes(good)
    data = load(root)
    assert (len(data.train), len(data.val)) == (12, 6)
    assert str(bad) in cached_paths()
    return str(caught.value)


def test_truncated_image_file_is_named_with_its_sizes(fashion_root: Path) -> None:
    bad = fashion_root / "train-images-idx3-ubyte"
    good = bad.read_bytes()
    message = corrupt_then_fix(fashion_root, bad, good[:-100])
    print(message)
    assert message == (f"{bad} holds {len(good) - 100} bytes, but its header [12, 28, 28] "
                       f"needs {len(good)}: the file is truncated or damaged; delete it and "
                       "get it again")


def test_file_too_short_for_a_header(fashion_root: Path) -> None:
    bad = fashion_root / "t10k-labels-idx1-ubyte"
    message = corrupt_then_fix(fashion_root, bad, b"\x00\x00\x08")
    assert str(bad) in message and "3 bytes long" in message
    assert "delete it and get it again" in message


def test_wrong_magic_number_names_file_found_and_expected(fashion_root: Path) -> None:
    bad = fashion_root / "train-labels-idx1-ubyte"
    images = (fashion_root / "train-images-idx3-ubyte").read_bytes()
    message = corrupt_then_fix(fashion_root, bad, images)  # an image file under a label name
    print(message)
    assert message == (f"{bad} starts with magic number 2051, but a label file starts with "
                       "2049: it is not the file its name says, or it is damaged; delete it "
                       "and get it again")


def test_image_and_label_counts_that_differ(fashion_root: Path, idx_tools) -> None:
    labels = fashion_root / "t10k-labels-idx1-ubyte"
    images = fashion_root / "t10k-images-idx3-ubyte"
    five_labels = idx_tools.idx_bytes(idx_tools.small_split(5, 9)[1])
    message = corrupt_then_fix(fashion_root, labels, five_labels, partner=images)
    print(message)
    assert message == (f"{images} holds 6 images but {labels} holds 5 labels; the two files "
                       "do not belong together: delete both and get them again from the "
                       "same release")


def test_truncated_gzip_file_is_named(tmp_path: Path, idx_tools) -> None:
    root = tmp_path / "gz"
    idx_tools.write_split(root, True, *idx_tools.small_split(12, 0), gz=True)
    idx_tools.write_split(root, False, *idx_tools.small_split(6, 1), gz=True)
    bad = root / "train-images-idx3-ubyte.gz"
    message = corrupt_then_fix(root, bad, bad.read_bytes()[:40])
    print(message)
    assert message.startswith(f"{bad} cannot be read or decompressed (")
    assert message.endswith("delete it and get it again")


def test_a_valid_gzip_of_a_truncated_file_is_named(tmp_path: Path, idx_tools) -> None:
    root = tmp_path / "gz"
    idx_tools.write_split(root, True, *idx_tools.small_split(12, 0), gz=True)
    idx_tools.write_split(root, False, *idx_tools.small_split(6, 1), gz=True)
    bad = root / "t10k-images-idx3-ubyte.gz"
    raw = gzip.decompress(bad.read_bytes())
    message = corrupt_then_fix(root, bad, gzip.compress(raw[:-1]))
    assert str(bad) in message and "truncated" in message


# --- Impossible hyperparameters --------------------------------------------------------------

BAD_HYPERPARAMETERS = {
    "Trainer(max_epochs=0)": (lambda: d2l.Trainer(max_epochs=0),
                              "Trainer got max_epochs=0, but max_epochs must be a whole number "
                              "of at least 1 (for example max_epochs=10)."),
    "Trainer(max_epochs=2.5)": (lambda: d2l.Trainer(max_epochs=2.5), "max_epochs=2.5"),
    "Trainer(num_gpus=-1)": (lambda: d2l.Trainer(3, num_gpus=-1),
                             "Trainer got num_gpus=-1, but num_gpus must be a whole number of "
                             "at least 0 (num_gpus=0 trains on the CPU)."),
    "Trainer(gradient_clip_val=-1)": (lambda: d2l.Trainer(3, gradient_clip_val=-1),
                                      "gradient_clip_val=-1"),
    "MLP(lr=0)": (lambda: d2l.MLP(10, 256, lr=0),
                  "MLP got lr=0, but lr must be a number greater than 0 (for example lr=0.1)."),
    "SoftmaxRegressionScratch(lr=-1)": (
        lambda: d2l.SoftmaxRegressionScratch(784, 10, lr=-1),
        "SoftmaxRegressionScratch got lr=-1, but lr must be a number greater than 0 "
        "(for example lr=0.1)."),
    "LinearRegressionScratch(lr=nan)": (
        lambda: d2l.LinearRegressionScratch(2, lr=math.nan), "got lr=nan"),
    "LinearRegression(lr='0.1')": (lambda: d2l.LinearRegression(lr="0.1"), "got lr='0.1'"),
    "SGD(lr=0)": (lambda: d2l.SGD([torch.zeros(1, requires_grad=True)], lr=0),
                  "SGD got lr=0, but lr must be a number greater than 0 (for example lr=0.1)."),
    "FashionMNIST(batch_size=0)": (lambda: d2l.FashionMNIST(batch_size=0),
                                   "batch_size must be a whole number of at least 1, not 0"),
    "SyntheticRegressionData(batch_size=0)": (
        lambda: d2l.SyntheticRegressionData(torch.tensor([1.0]), 0.0, batch_size=0),
        "batch_size must be a whole number of at least 1, not 0"),
    "TensorLoader(batch_size=-3)": (lambda: d2l.TensorLoader((torch.zeros(2),), -3),
                                    "batch_size must be a whole number of at least 1, not -3"),
    "FashionMNIST(resize=(0, 28))": (
        lambda: d2l.FashionMNIST(resize=(0, 28)),
        "resize must be (height, width) with two whole numbers of at least 1, not (0, 28)"),
    "FashionMNIST(resize=32)": (lambda: d2l.FashionMNIST(resize=32), "not 32"),
}


@pytest.mark.parametrize("case", BAD_HYPERPARAMETERS, ids=list(BAD_HYPERPARAMETERS))
def test_impossible_hyperparameters_are_refused_at_construction(case: str,
                                                                 no_dataset_anywhere) -> None:
    make, expected = BAD_HYPERPARAMETERS[case]
    with pytest.raises(ValueError) as caught:  # before any data is looked for
        make()
    assert expected in str(caught.value)


# --- Model and data that do not fit ----------------------------------------------------------


def test_model_built_for_28x28_images_given_32x32_names_both_shapes() -> None:
    model = d2l.SoftmaxRegressionScratch(num_inputs=784, num_outputs=10, lr=0.1)
    with pytest.raises(ValueError) as caught:
        model(torch.zeros(8, 1, 32, 32))
    message = str(caught.value)
    print(message)
    assert message == ("SoftmaxRegressionScratch was built with num_inputs=784, but the batch "
                       "has shape (8, 1, 32, 32), i.e. 1024 features per example. Build the "
                       "model with num_inputs=1024, or give the data the size the model expects "
                       "(for Fashion-MNIST: resize=(28, 28) gives 784).")


def test_shape_mismatch_surfaces_from_fit(fashion_root: Path) -> None:
    data = d2l.FashionMNIST(batch_size=4, resize=(32, 32), root=str(fashion_root))
    model = d2l.MLPScratch(num_inputs=784, num_outputs=10, num_hiddens=8, lr=0.1)
    with pytest.raises(ValueError, match=r"MLPScratch was built with num_inputs=784, but the "
                                         r"batch has shape \(4, 1, 32, 32\)"):
        d2l.Trainer(max_epochs=1).fit(model, data)


# --- A loss that stops being finite ----------------------------------------------------------


def exploding(lr: float = 100):
    d2l.set_seed(0)
    data = d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
    return data, d2l.LinearRegressionScratch(2, lr=lr)


def test_nonfinite_loss_names_epoch_batch_and_a_smaller_lr() -> None:
    data, model = exploding()
    trainer = d2l.Trainer(max_epochs=3)
    with pytest.raises(d2l.NonFiniteLossError) as caught:
        trainer.fit(model, data)
    message = str(caught.value)
    print(message)
    assert isinstance(caught.value, FloatingPointError)
    batch = trainer.train_batch_idx + 1  # in epoch 1
    assert message == (f"The training loss became inf in epoch 1, batch {batch}; lr=100 is "
                       "probably too large: try lr=10. The parameters were not updated with "
                       "it. To train on anyway, use Trainer(..., stop_on_nonfinite=False).")
    assert all(torch.isfinite(p).all() for p in model.parameters())  # not updated with inf


def test_nonfinite_loss_in_a_later_epoch_counts_batches_within_it() -> None:
    data, model = exploding(lr=2.5)  # diverges more slowly
    trainer = d2l.Trainer(max_epochs=50)
    with pytest.raises(d2l.NonFiniteLossError) as caught:
        trainer.fit(model, data)
    epoch, batch = divmod(trainer.train_batch_idx, trainer.num_train_batches)
    assert epoch >= 1
    assert f"in epoch {epoch + 1}, batch {batch + 1};" in str(caught.value)
    assert "lr=2.5 is probably too large: try lr=0.25" in str(caught.value)


def test_stop_on_nonfinite_false_trains_on_without_error() -> None:
    data, model = exploding()
    trainer = d2l.Trainer(max_epochs=2, stop_on_nonfinite=False)
    trainer.fit(model, data)
    assert trainer.train_batch_idx == 2 * trainer.num_train_batches
    assert not math.isfinite(model.board.last("val_loss"))


# --- save_hyperparameters outside __init__ ---------------------------------------------------


def test_save_hyperparameters_outside_init_says_where_to_call_it() -> None:
    class Model(d2l.HyperParameters):
        def __init__(self, lr=0.1):
            self.setup()

        def setup(self):
            self.save_hyperparameters()

    with pytest.raises(RuntimeError) as caught:
        Model()
    message = str(caught.value)
    print(message)
    assert message == ("save_hyperparameters() was called from setup(), but it reads the "
                       "arguments of the method that calls it, so it must be called directly "
                       "inside Model.__init__ (for example as its first line).")


def test_save_hyperparameters_from_another_objects_init_is_refused() -> None:
    class Other:
        def __init__(self, target):
            target.save_hyperparameters()

    with pytest.raises(RuntimeError, match="called directly inside HyperParameters.__init__"):
        Other(d2l.HyperParameters())
