"""HyperParameters.save_hyperparameters and add_to_class (section 3.2)."""

from __future__ import annotations

import pytest

import dl_lib as d2l


class Three(d2l.HyperParameters):
    def __init__(self, a, b, c=3, *rest, key="k", **extra):
        local = "not an argument"  # noqa: F841
        self.save_hyperparameters(ignore=["c"])


def test_save_hyperparameters_sets_attributes_and_hparams_except_ignored() -> None:
    x = Three(1, 2, 30)
    assert (x.a, x.b, x.key) == (1, 2, "k")
    assert not hasattr(x, "c")
    assert not hasattr(x, "local")
    assert x.hparams == {"a": 1, "b": 2, "rest": (), "key": "k", "extra": {}}


def test_save_hyperparameters_sees_keyword_and_default_values() -> None:
    x = Three(b=5, a=4, key="z", more=1)
    assert x.hparams["key"] == "z" and x.hparams["extra"] == {"more": 1}
    assert (x.a, x.b) == (4, 5)


def test_save_hyperparameters_in_subclass_and_base_class() -> None:
    class Base(d2l.HyperParameters):
        def __init__(self, x=1):
            self.save_hyperparameters()

    class Child(Base):
        def __init__(self, y=2):
            super().__init__(x=10)
            self.save_hyperparameters()

    child = Child()
    assert child.x == 10 and child.y == 2
    assert child.hparams == {"y": 2}


def test_module_subclass_gets_its_hyperparameters() -> None:
    model = d2l.LinearRegressionScratch(num_inputs=3, lr=0.5, sigma=0.1)
    assert (model.num_inputs, model.lr, model.sigma) == (3, 0.5, 0.1)
    assert model.plot_train_per_epoch == 2 and model.plot_valid_per_epoch == 1


def test_add_to_class_attaches_a_method_and_returns_the_function() -> None:
    class A:
        def __init__(self):
            self.b = 1

    a = A()

    @d2l.add_to_class(A)
    def do(self):
        return f"b is {self.b}"

    assert a.do() == "b is 1"  # existing instances see it too
    assert A.do is do


def test_add_to_class_replaces_an_existing_method() -> None:
    class A:
        def f(self):
            return 1

    @d2l.add_to_class(A)
    def f(self):
        return 2

    assert A().f() == 2


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


def test_ignore_given_as_one_string_is_one_name() -> None:
    class Two(d2l.HyperParameters):
        def __init__(self, bc, b, c):
            self.save_hyperparameters(ignore="bc")

    assert Two(1, 2, 3).hparams == {"b": 2, "c": 3}
