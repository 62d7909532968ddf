"""Interactive plotly figures that work in a static page with no kernel (sections 4.1–5.2).

In the built book, plotly.js is served by the site itself (no CDN); the figure's HTML only
calls it. In Jupyter the figure is also sent as plotly JSON, which JupyterLab draws natively.
"""

from __future__ import annotations

import hashlib
import html
from typing import Any, Callable, Mapping, Sequence

from . import settings
from .figure_view import in_notebook


def _stable_id(fig: Any) -> str:
    """A div id that depends only on the figure, so two builds give the same page."""
    return "plotly-" + hashlib.sha1(fig.to_json().encode()).hexdigest()[:12]


def figure_html(fig: Any, alt: str) -> str:
    """The figure as an HTML fragment, labelled with ``alt`` for screen readers.

    The wrapper is a ``figure`` (not an ``img``, whose content screen readers skip): the
    figure's sliders and buttons inside it stay reachable.

    >>> import plotly.graph_objects as go
    >>> html = figure_html(go.Figure(go.Scatter(x=[0, 1], y=[1, 0])), "A falling line")
    >>> html.startswith('<div class="dl-interactive" role="figure" aria-label="A falling line">')
    True
    """
    body = fig.to_html(full_html=False, include_plotlyjs=False, div_id=_stable_id(fig),
                       config={"displaylogo": False, "responsive": True})
    label = html.escape(alt, quote=True)
    return f'<div class="dl-interactive" role="figure" aria-label="{label}">{body}</div>'


class PlotlyOutput:
    """What a notebook shows for an interactive figure: HTML for the book, JSON for JupyterLab.

    >>> import plotly.graph_objects as go
    >>> sorted(PlotlyOutput(go.Figure(), "empty")._repr_mimebundle_())
    ['application/vnd.plotly.v1+json', 'text/html']
    """

    def __init__(self, fig: Any, alt: str) -> None:
        self.fig, self.alt = fig, alt

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": figure_html(self.fig, self.alt),
                "application/vnd.plotly.v1+json": self.fig.to_plotly_json()}


def show_interactive(fig: Any, alt: str) -> None:
    """Show a plotly figure: in a notebook inline; in a script saved as a standalone HTML file
    in ``DL_LIB_FIGURE_DIR`` if that is set.

    >>> import plotly.graph_objects as go
    >>> show_interactive(go.Figure(), "nothing")  # outside Jupyter: no output
    """
    if in_notebook():
        from IPython.display import display

        display(PlotlyOutput(fig, alt))
        return
    folder = settings.figure_dir()
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
        fig.write_html(folder / f"{_stable_id(fig)}.html", include_plotlyjs=True)


def slider_figure(x: Sequence[float], curves: Callable[[float], Mapping[str, Sequence[float]]],
                  values: Sequence[float], param: str, xlabel: str = "x",
                  ylabel: str = "", title: str = "", active: int = 0) -> Any:
    """A line plot whose curves ``curves(v)`` change with a slider over ``values`` of ``param``.

    >>> fig = slider_figure([0, 1], lambda a: {"a*x": [0, a]}, [1, 2], "a")
    >>> len(fig.data), len(fig.layout.sliders[0].steps)
    (2, 2)
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    names: list[str] = []
    for i, value in enumerate(values):
        for name, y in curves(value).items():
            fig.add_trace(go.Scatter(x=list(x), y=list(map(float, y)), name=name, mode="lines",
                                     visible=(i == active),
                                     hovertemplate=f"{xlabel}=%{{x:.2f}}<br>{name}=%{{y:.3f}}"))
            if i == 0:
                names.append(name)
    per = len(names)
    steps = [dict(method="update", label=f"{value:g}",
                  args=[{"visible": [j // per == i for j in range(per * len(values))]}])
             for i, value in enumerate(values)]
    fig.update_layout(
        title=title, xaxis_title=xlabel, yaxis_title=ylabel, height=380,
        margin=dict(l=50, r=20, t=40 if title else 20, b=40), template="plotly_white",
        sliders=[dict(active=active, currentvalue={"prefix": f"{param} = "}, steps=steps,
                      pad={"t": 30})],
    )
    return fig


def board_figure(board: Any, title: str = "") -> Any:
    """The curves of a ``ProgressBoard`` as a plotly figure with values on hover.

    >>> from dl_lib import ProgressBoard
    >>> b = ProgressBoard("epoch"); b.draw(1, 0.5, "train_loss")
    >>> board_figure(b).data[0].name
    'train_loss'
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for name, points in board.data.items():
        fig.add_trace(go.Scatter(x=[p.x for p in points], y=[p.y for p in points], name=name,
                                 mode="lines+markers",
                                 hovertemplate="epoch %{x:.2f}<br>" + name + " %{y:.4f}"))
    fig.update_layout(title=title, xaxis_title=board.xlabel or "x", height=360,
                      margin=dict(l=50, r=20, t=40 if title else 20, b=40),
                      template="plotly_white", hovermode="x unified")
    return fig
