"""Argument checks: each constructor refuses impossible values, naming value and fix."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import dl_lib as d2l
from dl_lib import checks


BAD_HYPERPARAMETERS = {
    "Trainer(max_epochs=0)": (lambda: d2l.Trainer(max_epochs=0),
                              "Trainer got max_epochs=0, but max_epochs must be a whole number "
                              "of at least 1 (for example max_epochs=10)."),
    "Trainer(max_epochs=2.5)": (lambda: d2l.Trainer(max_epochs=2.5), "max_epochs=2.5"),
    "Trainer(num_gpus=-1)": (lambda: d2l.Trainer(3, num_gpus=-1),
                             "Trainer got num_gpus=-1, but num_gpus must be a whole number of "
                             "at least 0 (for example num_gpus=0 trains on the CPU)."),
    "Trainer(gradient_clip_val=-1)": (lambda: d2l.Trainer(3, gradient_clip_val=-1),
                                      "gradient_clip_val=-1"),
    "MLP(lr=0)": (lambda: d2l.MLP(10, 256, lr=0),
                  "MLP got lr=0, but lr must be a finite number greater than 0 "
                  "(for example lr=0.1)."),
    "MLP(lr=inf)": (lambda: d2l.MLP(10, 256, lr=math.inf), "MLP got lr=inf"),
    "SoftmaxRegressionScratch(lr=-1)": (
        lambda: d2l.SoftmaxRegressionScratch(784, 10, lr=-1),
        "SoftmaxRegressionScratch got lr=-1, but lr must be a finite number greater than 0"),
    "LinearRegressionScratch(lr=nan)": (
        lambda: d2l.LinearRegressionScratch(2, lr=math.nan), "got lr=nan"),
    "LinearRegression(lr='0.1')": (lambda: d2l.LinearRegression(lr="0.1"), "got lr='0.1'"),
    "MLPScratch(num_hiddens=0)": (lambda: d2l.MLPScratch(784, 10, 0, lr=0.1),
                                  "MLPScratch got num_hiddens=0, but num_hiddens must be a whole "
                                  "number of at least 1 (for example num_hiddens=256)."),
    "SGD(lr=0)": (lambda: d2l.SGD([torch.zeros(1, requires_grad=True)], lr=0),
                  "SGD got lr=0, but lr must be a finite number greater than 0"),
    "SGD([])": (lambda: d2l.SGD([], lr=0.1), "SGD got an empty list of parameters"),
    "FashionMNIST(batch_size=0)": (lambda: d2l.FashionMNIST(batch_size=0),
                                   "FashionMNIST got batch_size=0, but batch_size must be a "
                                   "whole number of at least 1"),
    "SyntheticRegressionData(batch_size=0)": (
        lambda: d2l.SyntheticRegressionData(torch.tensor([1.0]), 0.0, batch_size=0),
        "SyntheticRegressionData got batch_size=0"),
    "SyntheticRegressionData(num_train=-5)": (
        lambda: d2l.SyntheticRegressionData(torch.tensor([1.0]), 0.0, num_train=-5),
        "SyntheticRegressionData got num_train=-5, but num_train must be a whole number of "
        "at least 1"),
    "SyntheticRegressionData(num_train=0)": (
        lambda: d2l.SyntheticRegressionData(torch.tensor([1.0]), 0.0, num_train=0),
        "num_train=0"),
    "TensorLoader(batch_size=-3)": (lambda: d2l.TensorLoader((torch.zeros(2),), -3),
                                    "TensorLoader got batch_size=-3"),
    "FashionMNIST(resize=(0, 28))": (
        lambda: d2l.FashionMNIST(resize=(0, 28)),
        "FashionMNIST got resize=(0, 28), but resize must be (height, width) with two whole "
        "numbers of at least 1, for example resize=(32, 32)."),
    "FashionMNIST(resize=32)": (lambda: d2l.FashionMNIST(resize=32), "got resize=32"),
    "Module(plot_train_per_epoch=0)": (lambda: d2l.Module(plot_train_per_epoch=0),
                                       "Module got plot_train_per_epoch=0"),
}


@pytest.mark.parametrize("case", BAD_HYPERPARAMETERS, ids=list(BAD_HYPERPARAMETERS))
def test_impossible_hyperparameters_are_refused_at_construction(case: str,
                                                                 no_dataset_anywhere) -> None:
    make, expected = BAD_HYPERPARAMETERS[case]
    with pytest.raises(ValueError) as caught:  # before any data is looked for
        make()
    assert expected in str(caught.value)




def test_numpy_and_zero_dim_tensor_numbers_are_accepted_as_plain_numbers() -> None:
    data = d2l.SyntheticRegressionData(torch.tensor([1.0]), 0.0, batch_size=np.int64(16))
    assert data.batch_size == 16 and type(data.batch_size) is int
    trainer = d2l.Trainer(max_epochs=np.int32(2))
    assert trainer.max_epochs == 2 and type(trainer.max_epochs) is int
    model = d2l.LinearRegressionScratch(2, lr=torch.tensor(0.03))
    assert checks.learning_rate("m", torch.tensor(0.03)) == pytest.approx(0.03)
    assert checks.learning_rate("m", np.float64(0.1)) == 0.1
    assert model.configure_optimizers().lr == pytest.approx(0.03)


def test_save_hyperparameters_only_records_so_a_learners_lr_none_is_kept() -> None:
    class Mine(d2l.HyperParameters):
        def __init__(self, lr=None, batch_size="auto"):
            self.save_hyperparameters()

    assert Mine().hparams == {"lr": None, "batch_size": "auto"}
