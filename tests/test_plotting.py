"""Figures: plot, show_images and ProgressBoard in scripts (silent, or files) and on axes."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

import dl_lib as d2l
from dl_lib import figure_view as display, plotting

SCRIPT_34 = textwrap.dedent('''
    """Section 3.4 as a plain script, written against d2l's names."""
    import numpy as np
    import torch
    import dl_lib as d2l

    d2l.set_seed(42)

    class LinearRegressionScratch(d2l.Module):
        def __init__(self, num_inputs, lr, sigma=0.01):
            super().__init__()
            self.save_hyperparameters()
            self.w = torch.normal(0, sigma, (num_inputs, 1), requires_grad=True)
            self.b = torch.zeros(1, requires_grad=True)

    @d2l.add_to_class(LinearRegressionScratch)
    def forward(self, X):
        return torch.matmul(X, self.w) + self.b

    @d2l.add_to_class(LinearRegressionScratch)
    def loss(self, y_hat, y):
        return ((y_hat - y) ** 2 / 2).mean()

    class SGD(d2l.HyperParameters):
        def __init__(self, params, lr):
            self.save_hyperparameters()

        def step(self):
            with torch.no_grad():
                for param in self.params:
                    param -= self.lr * param.grad

        def zero_grad(self):
            for param in self.params:
                if param.grad is not None:
                    param.grad.zero_()

    @d2l.add_to_class(LinearRegressionScratch)
    def configure_optimizers(self):
        return SGD([self.w, self.b], self.lr)

    @d2l.add_to_class(d2l.Trainer)
    def prepare_batch(self, batch):
        return batch

    @d2l.add_to_class(d2l.Trainer)
    def fit_epoch(self):
        self.model.train()
        for batch in self.train_dataloader:
            loss = self.model.training_step(self.prepare_batch(batch))
            self.optim.zero_grad()
            loss.backward()
            self.optim.step()
            self.train_batch_idx += 1
        self.model.eval()
        for batch in self.val_dataloader:
            with torch.no_grad():
                self.model.validation_step(self.prepare_batch(batch))
            self.val_batch_idx += 1

    board = d2l.ProgressBoard("x")
    for x in np.arange(0, 10, 0.1):
        board.draw(x, np.sin(x), "sin", every_n=2)
        board.draw(x, np.cos(x), "cos", every_n=10)

    model = LinearRegressionScratch(2, lr=0.03)
    data = d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
    trainer = d2l.Trainer(max_epochs=3)
    trainer.fit(model, data)
    with torch.no_grad():
        w_error = data.w - model.w.reshape(data.w.shape)
        b_error = data.b - model.b
    print(f"error in estimating w: {w_error}")
    print(f"error in estimating b: {b_error}")
    assert w_error.abs().max() < 0.5 and b_error.abs().max() < 0.5

    x = torch.arange(-3.0, 3.0, 0.1)
    d2l.plot(x, [x, d2l.relu(x)], "x", "f(x)", legend=["x", "relu(x)"])
    d2l.use_svg_display()
    d2l.set_figsize((4, 3))
    d2l.plot(x, d2l.swish(x), "x", "swish(x)")
    print("done")
''')


def run_script(tmp_path: Path, figure_dir: Path | None) -> tuple[subprocess.CompletedProcess,
                                                                    float]:
    script = tmp_path / "section_3_4.py"
    script.write_text(SCRIPT_34)
    env = {k: v for k, v in os.environ.items()
           if k not in ("MPLBACKEND", "DL_LIB_FIGURE_DIR")}  # as a learner's shell has it
    env["DL_LIB_DOWNLOAD"] = "0"
    if figure_dir is not None:
        env["DL_LIB_FIGURE_DIR"] = str(figure_dir)
    start = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    return done, time.monotonic() - start


def test_section_3_4_as_a_script_prints_no_figure_reprs(tmp_path: Path) -> None:
    done, seconds = run_script(tmp_path, None)
    assert done.returncode == 0, done.stderr
    assert "<Figure size" not in done.stdout and "<Figure size" not in done.stderr
    assert done.stdout.startswith("error in estimating w: tensor([")
    assert done.stdout.endswith("done\n")
    assert "Traceback" not in done.stderr
    assert seconds < 60
    assert list(tmp_path.iterdir()) == [tmp_path / "section_3_4.py"]  # no files written


def test_figure_dir_saves_every_shown_figure_as_png(tmp_path: Path) -> None:
    figures = tmp_path / "figures"
    done, _ = run_script(tmp_path, figures)
    assert done.returncode == 0, done.stderr
    assert "<Figure size" not in done.stdout
    files = sorted(figures.iterdir())
    names = [f.name for f in files]
    print(names)
    assert len(files) == 4
    assert names[0].startswith("001-curves-of-train-loss-val-loss-against-epoch")  # fit's end
    assert names[1].startswith("002-line-plot-of-x-relu-x-against-x")
    assert names[2].startswith("003-line-plot-of-swish-x-against-x")
    assert names[3].startswith("004-curves-of-sin-cos-against-x")  # drawn-on board, at exit
    for f in files:
        assert f.suffix == ".png" and f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_onto_given_axes_draws_each_curve_with_its_format() -> None:
    axes = plotting.new_figure().add_subplot()
    x = torch.arange(0.0, 1.0, 0.25)
    d2l.plot(x, [x, x ** 2], "x", "y", legend=["x", "x^2"], xlim=[0, 1], yscale="log",
             axes=axes)
    lines = axes.get_lines()
    assert len(lines) == 2
    assert lines[1].get_ydata().tolist() == (x ** 2).tolist()
    assert lines[1].get_linestyle() == "--" and lines[1].get_color() == "m"
    assert axes.get_xlabel() == "x" and axes.get_yscale() == "log"
    assert tuple(axes.get_xlim()) == (0, 1)
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["x", "x^2"]


def test_plot_of_y_only_uses_the_index_as_x() -> None:
    axes = plotting.new_figure().add_subplot()
    d2l.plot([3.0, 1.0, 2.0], axes=axes)
    assert axes.get_lines()[0].get_xdata().tolist() == [0, 1, 2]


def test_set_figsize_sets_the_size_of_new_figures() -> None:
    try:
        d2l.set_figsize((5, 2))
        assert plotting.new_figure().get_size_inches().tolist() == [5.0, 2.0]
    finally:
        d2l.set_figsize()
    assert plotting.new_figure().get_size_inches().tolist() == [3.5, 2.5]


def test_use_svg_display_switches_the_figure_format() -> None:
    from matplotlib.figure import Figure

    try:
        d2l.use_svg_display()
        html = display.FigureOutput(Figure(figsize=(1, 1)), "empty")._repr_html_()
        assert 'src="data:image/svg+xml;base64,' in html
    finally:
        display.set_figure_format("png")
    with pytest.raises(ValueError, match="'png' or 'svg', not 'gif'"):
        display.set_figure_format("gif")


def test_show_images_saves_a_grid_with_titles_as_alt_text(tmp_path: Path,
                                                          monkeypatch) -> None:
    monkeypatch.setenv("DL_LIB_FIGURE_DIR", str(tmp_path))
    d2l.show_images(torch.rand(3, 5, 5), 2, 2, titles=["a", "b", "c"])
    (saved,) = tmp_path.iterdir()
    assert "a-grid-of-3-images-labelled-a-b-c" in saved.name
    assert saved.read_bytes()[:4] == b"\x89PNG"


def test_progress_board_averages_every_n_points() -> None:
    board = d2l.ProgressBoard("x")
    for i in range(7):
        board.draw(i, 10.0 * i, "line", every_n=3)
    assert [(p.x, p.y) for p in board.data["line"]] == [(1.0, 10.0), (4.0, 40.0)]
    assert [p.x for p in board.raw_points["line"]] == [6.0]  # waits for two more
    assert board.last("line") == 40.0
    with pytest.raises(KeyError, match="no points for 'other'; it has \\['line'\\]"):
        board.last("other")


def test_progress_board_renders_one_line_per_curve_and_describes_them(tmp_path: Path) -> None:
    board = d2l.ProgressBoard("epoch", xlim=[0, 3])
    for i in range(4):
        board.draw(i, math.exp(-i), "train_loss")
        board.draw(i, 2 * math.exp(-i), "val_loss")
    fig = board.render()
    axes = fig.axes[0]
    assert len(axes.get_lines()) == 2 and axes.get_xlabel() == "epoch"
    assert board.describe() == ("Curves of train_loss, val_loss against epoch; last values: "
                                "train_loss 0.050, val_loss 0.100.")
    path = board.save(tmp_path / "board.png")
    assert Path(path).read_bytes()[:4] == b"\x89PNG"


def test_trainer_board_shows_train_and_validation_curves_by_epoch(tiny_regression) -> None:
    d2l.set_seed(0)
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    d2l.Trainer(max_epochs=2).fit(model, tiny_regression())
    board = model.board
    assert board.xlabel == "epoch" and list(board.xlim) == [0, 2]
    assert [p.x for p in board.data["val_loss"]] == [1, 2]
    assert [round(p.x, 6) for p in board.data["train_loss"]] == [0.1, 0.5, 0.9, 1.3, 1.7]


def test_board_image_depends_on_its_data_only() -> None:
    """Two builds redraw a live board a different number of times; the last image must agree."""
    from dl_lib.figure_view import figure_bytes

    def board_after(renders_between: bool) -> bytes:
        board = d2l.ProgressBoard("epoch", xlim=[0, 10])
        for i in range(40):  # the y range, and so the tick labels' widths, keep changing
            board.draw(i / 4, 1000 / (i + 1) ** 3, "train_loss")
            board.draw(i / 4, 0.5 + i / 100, "val_acc", every_n=4)
            if renders_between:
                figure_bytes(board.render(), "png")
        return figure_bytes(board.render(), "png")

    assert board_after(True) == board_after(False)


def test_svg_output_is_the_same_every_time() -> None:
    from matplotlib.figure import Figure

    from dl_lib.figure_view import figure_bytes

    fig = Figure()
    fig.add_subplot().plot([0, 1], [1, 0])
    assert figure_bytes(fig, "svg") == figure_bytes(fig, "svg")


def test_show_images_takes_number_and_tensor_titles_and_channel_first_images() -> None:
    d2l.show_images(torch.zeros(2, 4, 4), 1, 2, titles=[1, 2])
    d2l.show_images(torch.zeros(2, 4, 4), 1, 2, titles=torch.tensor([1, 2]))
    d2l.show_images(torch.zeros(2, 1, 4, 4), 1, 2)


def test_saving_a_board_in_an_unknown_format_names_the_ones_that_work(tmp_path) -> None:
    board = d2l.ProgressBoard()
    board.draw(0, 1.0, "loss")
    assert board.save(tmp_path / "b.jpg").exists()
    with pytest.raises(ValueError, match=r"saved as \.png, \.svg.*not \.xyz"):
        board.save(tmp_path / "b.xyz")


def test_board_legend_never_covers_a_curve() -> None:
    """Curves that fill the whole axes leave no free corner: the legend goes outside."""
    board = d2l.ProgressBoard("epoch", xlim=[0, 10])
    for i in range(41):
        x = i / 4
        board.draw(x, 0.5 + 0.5 * math.sin(x), "train_loss")
        board.draw(x, 0.5 + 0.5 * math.cos(x), "val_loss")
        board.draw(x, 0.5 + 0.5 * math.sin(2 * x), "val_acc")
    fig = board.render()
    axes = fig.axes[0]
    legend = axes.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["train_loss", "val_loss", "val_acc"]
    assert not plotting._legend_covers_data(axes, legend)
    assert legend.get_window_extent().x0 >= axes.get_window_extent().x1  # right of the axes


def test_board_legend_stays_inside_where_a_corner_is_free() -> None:
    board = d2l.ProgressBoard("epoch", xlim=[0, 3])
    for i in range(13):
        board.draw(i / 4, math.exp(-i / 4), "train_loss")
    axes = board.render().axes[0]
    legend = axes.get_legend()
    assert not plotting._legend_covers_data(axes, legend)
    box = legend.get_window_extent()
    assert axes.get_window_extent().contains((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)


def test_plot_legend_covers_no_curve() -> None:
    axes = plotting.new_figure().add_subplot()
    x = torch.linspace(0, 10, 200)
    d2l.plot(x, [torch.sin(x), torch.cos(x), torch.sin(2 * x)], "x", "y",
             legend=["sin", "cos", "sin 2x"], axes=axes)
    assert not plotting._legend_covers_data(axes, axes.get_legend())


def test_image_grid_titles_are_at_least_10_px_where_the_page_shows_them(tmp_path: Path,
                                                                       monkeypatch) -> None:
    """Fashion-MNIST's 2 x 9 grid is no wider than the book's text column at 1280 px (so the
    page shows it at its own size) and its titles are at least 10 px high there."""
    monkeypatch.setenv("DL_LIB_FIGURE_DIR", str(tmp_path))
    d2l.show_images(torch.rand(18, 28, 28), 2, 9, titles=["ankle boot"] * 18)
    (saved,) = tmp_path.iterdir()
    from PIL import Image

    width = Image.open(saved).size[0]
    assert width <= plotting.GRID_MAX_WIDTH * 100 * 1.05  # titles may reach past the grid
    (figsize, fontsize) = plotting.grid_layout(2, 9, 1.5)
    assert fontsize * 100 / 72 >= 10  # pixels, at the figures' 100 dpi
    fig = plotting.new_figure(figsize)
    fig.add_subplot().set_title("ankle boot", fontsize=fontsize)
    fig.axes[0].axis("off")
    assert display.smallest_text_px(fig) >= 10
