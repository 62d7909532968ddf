#!/usr/bin/env bash
# Build the site strictly (-W, execution errors fail). jupyter-cache re-executes a chapter
# only when its source changes, so when dl_lib's code changes every chapter is executed
# again: the site never shows outputs of older code.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=_build/.dl_lib_hash
hash=$(cat dl_lib/*.py _config.yml | sha256sum | cut -d' ' -f1)
# No stamp with a cache present means an earlier build stopped half-way: trust nothing.
if [ -d _build/.jupyter_cache ] && [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
  echo "dl_lib or _config.yml changed since the last build: executing every chapter again."
  rm -rf _build/html _build/.doctrees _build/jupyter_execute _build/.jupyter_cache
fi
mkdir -p _build/assets/static
rm -rf _build/assets/static/mathjax && cp -r node_modules/mathjax/es5 _build/assets/static/mathjax
mkdir -p _build/assets/static/plotly
cp "$(.venv/bin/python -c 'import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent / "package_data/plotly.min.js")')" _build/assets/static/plotly/
start=$(date +%s)
.venv/bin/jupyter-book build . --warningiserror --keep-going --quiet
# The executed notebooks, next to their pages and in their download menus (.ipynb).
.venv/bin/python scripts/publish_notebooks.py
echo "$hash" > "$stamp"
echo "Built in $(( $(date +%s) - start )) s. Open: file://$PWD/_build/html/index.html"
