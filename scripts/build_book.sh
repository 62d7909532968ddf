#!/usr/bin/env bash
# Build the site strictly (-W, execution errors fail), with the whole book as one PDF in it:
#   scripts/build_book.sh [OUT]    site in OUT/_build/html (default OUT: this project)
# Pages are executed first, by scripts/page_cache.py: only those whose key changed (their code,
# the dl_lib functions their last run reached, the module-level code of what they imported,
# the environment), each stored as soon as it ran, so a failed or interrupted build keeps every
# page that executed with the current code. The chapter tests (make test) use the same cache,
# so after them nothing is left to execute here. jupyter-book then takes every page's outputs
# from that cache (execute_notebooks: cache); a page whose outputs changed is read again.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-.}")
# The site's static assets (html_static_path is _build/assets/static in this project): copied
# only when they differ, so that a build running at the same time never sees them missing.
copy_if_changed() {  # source destination
  if ! diff -rq "$1" "$2" >/dev/null 2>&1; then
    rm -rf "$2.tmp.$$" && mkdir -p "$(dirname "$2")" && cp -r "$1" "$2.tmp.$$"
    rm -rf "$2" && mv "$2.tmp.$$" "$2"
  fi
}
copy_if_changed node_modules/mathjax/es5 _build/assets/static/mathjax
plotly_js="$(.venv/bin/python -c 'import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent / "package_data/plotly.min.js")')"
mkdir -p _build/assets/static/plotly
cmp -s "$plotly_js" _build/assets/static/plotly/plotly.min.js || cp "$plotly_js" _build/assets/static/plotly/
# thebe, the live-code library (make serve): its bundle, packed from npm at the version
# package.json names (vendored), fetched once.
thebe_version=$(node -p 'require("./package.json").vendored.thebe')
thebe_dir=_build/assets/static/thebe
if [ "$(cat "$thebe_dir/VERSION" 2>/dev/null)" != "$thebe_version" ]; then
  pack=$(mktemp -d)
  (cd "$pack" && npm pack --silent "thebe@$thebe_version" >/dev/null && tar xzf thebe-*.tgz)
  mkdir -p "$pack/site" && cp "$pack"/package/lib/{*.js,thebe.css,index.js.LICENSE.txt} "$pack/site"
  echo "$thebe_version" > "$pack/site/VERSION"
  rm -rf "$thebe_dir" && mv "$pack/site" "$thebe_dir" && rm -rf "$pack"
fi
start=$(date +%s)
.venv/bin/python scripts/page_cache.py execute --out "$out"
executed=$(date +%s)
.venv/bin/jupyter-book build . --path-output "$out" --warningiserror --keep-going --quiet
# The executed notebooks, next to their pages and in their download menus (.ipynb).
.venv/bin/python scripts/publish_notebooks.py --build "$out/_build"
# The whole book as one PDF, which every page's download menu links: the single-page build
# (outputs from the same cache) printed by headless Chromium, when it changed.
.venv/bin/jupyter-book build . --builder singlehtml --path-output "$out" --warningiserror \
  --keep-going --quiet
.venv/bin/python scripts/make_pdf.py --html "$out/_build/singlehtml" --out "$out/_build/pdf/book.pdf"
mkdir -p "$out/_build/html/_downloads"
cp "$out/_build/pdf/book.pdf" "$out/_build/html/_downloads/book.pdf"
echo "Built in $(( $(date +%s) - start )) s ($(( executed - start )) s executing pages)." \
     "Open: file://$out/_build/html/index.html"
