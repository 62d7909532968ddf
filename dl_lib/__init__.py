"""dl_lib: the companion library of the book, with d2l's public names (``import dl_lib as d2l``).

>>> import dl_lib as d2l
>>> d2l.FashionMNIST.__module__, d2l.Trainer.__module__
('dl_lib.fashion_mnist', 'dl_lib.trainer')
"""

from typing import Any

from . import aliases as _aliases
from .aliases import *  # noqa: F401,F403
from .data_module import DataModule, SyntheticRegressionData, TensorLoader
from .device import cpu, gpu, num_gpus, set_seed, try_all_gpus, try_gpu
from .fashion_mnist import FashionMNIST
from .fashion_mnist_files import DatasetNotFoundError
from .figure_view import set_next_alt
from .functional import cross_entropy, prelu, relu, softmax, swish
from .hyperparams import HyperParameters, add_to_class
from .idx_files import CorruptDatasetError
from .interactive import board_figure, show_interactive, slider_figure
from .models import (LinearRegression, LinearRegressionScratch, MLP, MLPScratch,
                     SoftmaxRegression, SoftmaxRegressionScratch)
from .module import Classifier, Module
from .plotting import plot, set_axes, set_figsize, show_images, use_svg_display
from .progress_board import ProgressBoard
from .optimizer import SGD
from .trainer import NonFiniteLossError, Trainer
from .downloads import DATA_HUB, DATA_URL, download, download_extract, extract
from .kaggle_house import KaggleHouse, load_ames
from .legacy_data import (get_dataloader_workers, get_fashion_mnist_labels, load_array,
                          load_data_fashion_mnist, synthetic_data)
from .legacy_animator import Animator
from .legacy_training import (Accumulator, Timer, accuracy, evaluate_loss, linreg, sgd,
                              squared_loss)

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """d2l's module names (``d2l.plt``, ``d2l.data``, ``d2l.np``, ...), imported on first use."""
    module = _aliases.module_alias(name)  # AttributeError for any other name
    globals()[name] = module
    return module


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_aliases.MODULE_ALIASES))
