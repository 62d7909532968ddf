"""TensorLoader, DataModule and SyntheticRegressionData (sections 3.2–3.4)."""

from __future__ import annotations

import pytest
import torch

import dl_lib as d2l


def labels_of(loader) -> list[int]:
    return [int(v) for batch in loader for v in batch[-1]]


def test_tensor_loader_serves_tuples_of_batches_and_len_counts_them() -> None:
    X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10)
    loader = d2l.TensorLoader((X, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    assert [len(b[-1]) for b in batches] == [4, 4, 2]
    for batch in batches:
        assert isinstance(batch, tuple)
        (inputs,), target = batch[:-1], batch[-1]  # d2l's training_step idiom
        assert torch.equal(inputs, X[target])


def test_tensor_loader_is_reiterable_and_in_order_without_shuffle() -> None:
    loader = d2l.TensorLoader((torch.arange(7),), batch_size=3)
    assert labels_of(loader) == labels_of(loader) == list(range(7))


def test_training_loader_reshuffles_on_every_pass() -> None:
    torch.manual_seed(0)
    loader = d2l.TensorLoader((torch.zeros(100, 1), torch.arange(100)), 10, shuffle=True)
    first, second = labels_of(loader), labels_of(loader)
    assert sorted(first) == sorted(second) == list(range(100))  # each example once a pass
    assert first != second
    assert first != list(range(100))


def test_tensor_loader_applies_transform_to_each_batch() -> None:
    loader = d2l.TensorLoader((torch.tensor([0, 255], dtype=torch.uint8), torch.tensor([1, 2])),
                              batch_size=2, transform=lambda b: (b[0].float() / 255, b[1]))
    X, y = next(iter(loader))
    assert X.tolist() == [0.0, 1.0] and y.tolist() == [1, 2]


def test_tensor_loader_rejects_tensors_of_different_lengths() -> None:
    with pytest.raises(ValueError, match=r"same first dimension, got \[3, 4\]"):
        d2l.TensorLoader((torch.zeros(3), torch.zeros(4)), batch_size=2)


def test_data_module_train_loader_shuffles_and_val_loader_is_in_order() -> None:
    class Numbers(d2l.DataModule):
        def __init__(self, batch_size=4):
            super().__init__()
            self.save_hyperparameters()
            self.y = torch.arange(50)

        def get_dataloader(self, train):
            return self.get_tensorloader((self.y.float(), self.y), train)

    torch.manual_seed(1)
    data = Numbers()
    assert labels_of(data.val_dataloader()) == list(range(50))
    assert labels_of(data.train_dataloader()) != list(range(50))
    assert len(data.train_dataloader()) == 13


def test_data_module_without_get_dataloader_says_what_to_define() -> None:
    with pytest.raises(NotImplementedError, match="must define get_dataloader"):
        d2l.DataModule().train_dataloader()


def test_synthetic_regression_data_shapes_and_split() -> None:
    torch.manual_seed(0)
    w, b = torch.tensor([2, -3.4]), 4.2
    data = d2l.SyntheticRegressionData(w, b, num_train=100, num_val=60, batch_size=16)
    assert data.X.shape == (160, 2) and data.y.shape == (160, 1)
    X, y = next(iter(data.train_dataloader()))
    assert X.shape == (16, 2) and y.shape == (16, 1)
    assert len(data.train_dataloader()) == 7 and len(data.val_dataloader()) == 4
    val_X = torch.cat([batch[0] for batch in data.val_dataloader()])
    assert torch.equal(val_X, data.X[100:])
    residual = data.y - (data.X @ w.reshape(-1, 1) + b)
    assert residual.abs().max() < 0.1 and residual.std() > 0  # noise=0.01 is there


def test_synthetic_regression_data_defaults_match_d2l() -> None:
    data = d2l.SyntheticRegressionData(torch.tensor([1.0]), 0.0)
    assert (data.noise, data.num_train, data.num_val, data.batch_size) == (0.01, 1000, 1000, 32)
    assert len(data.train_dataloader()) == 32


def test_a_data_module_that_forgot_save_hyperparameters_is_told_so() -> None:
    class Forgot(d2l.DataModule):
        def __init__(self, batch_size=8):
            super().__init__()
            self.X = torch.zeros(10, 2)

        def get_dataloader(self, train):
            return self.get_tensorloader((self.X, self.X), train)

    with pytest.raises(AttributeError, match=r"Forgot has no batch_size: call "
                                             r"self.save_hyperparameters\(\)"):
        Forgot().train_dataloader()
