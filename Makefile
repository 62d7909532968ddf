# make book   build the site into _build/html (sets everything up first)
# make test   run every test: unit, doctests, chapters, then the built site in a browser
#             (each page executes once: the chapter tests fill the cache the build reads)
# make reproducible  execute again each page whose code (or dl_lib code it ran) changed since
#             the last check, and compare the outputs with the stored ones (CI runs it)
# make test-notebooks  every page's downloadable .ipynb run in a fresh venv with only
#                      pip install ".[notebooks]", all of them (make test runs those that
#                      changed since they last passed)
# make pdf    the whole book as one PDF, _build/pdf/book.pdf (title page, contents, solutions
#             printed); make book makes it too: it is in the site, every page's menu links it
# make serve  the built site at http://127.0.0.1:8000 with live code: a local Jupyter server
#             beside it runs the pages' cells (each page's "Live code" button; scripts/serve.py)
# make bench  speed benchmark, every figure against its baseline from the same run (see
#             bench/; about 45 min, since it builds a copy of the book from scratch and
#             runs its make test); bench/run.py --only data,training runs a part
SHELL := /bin/bash
PY := .venv/bin/python
VENV_STAMP := .venv/.installed
NODE_STAMP := node_modules/.installed
# dl_lib downloads a data set only where no copy is found (Debian's is installed by `system`);
# the tests forbid downloads themselves (conftest.py).
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0

.PHONY: book serve test reproducible test-notebooks pdf bench screenshots setup system \
        clean
.DEFAULT_GOAL := book

$(VENV_STAMP): requirements.txt pyproject.toml
	test -d .venv || python3 -m venv .venv
	.venv/bin/pip install --disable-pip-version-check -q -r requirements.txt
	.venv/bin/pip install --disable-pip-version-check -q --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system:
	@bash scripts/install_system_packages.sh

setup: $(VENV_STAMP) $(NODE_STAMP) system

book: setup
	@bash scripts/build_book.sh

# Stop it with Ctrl-C. PORT and KERNEL_PORT choose other ports: make serve PORT=8001
PORT ?= 8000
KERNEL_PORT ?= 8888
serve: book
	$(PY) scripts/serve.py --port $(PORT) --kernel-port $(KERNEL_PORT)

test: setup
	$(PY) -m pytest -m "not browser and not built_site"
	@bash scripts/build_book.sh
	$(PY) -m pytest -m "browser or built_site" -k "not two_runs" tests/browser \
	    tests/test_reproducible.py tests/test_book_voice.py tests/test_book_notebooks.py \
	    tests/test_book_pdf.py

reproducible: setup
	$(PY) -m pytest -m built_site -k two_runs tests/test_reproducible.py

bench: setup
	$(PY) bench/run.py --book

# What a reader sees at 1280 px and on a phone's 400 px: screenshots/1280/, screenshots/400/;
# and a few pages of the PDF (title, contents, one with an equation and a figure): screenshots/pdf/.
screenshots: pdf
	$(PY) tests/browser/screenshots.py --width 1280 --out screenshots/1280
	$(PY) tests/browser/screenshots.py --width 400 --out screenshots/400
	$(PY) tests/browser/screenshots.py --pdf _build/pdf/book.pdf --out screenshots/pdf

# The whole book as one PDF. `book` makes it (the site's download menus link it); this target
# is there to be found, and says where the file is.
pdf: book
	@echo "The whole book as one PDF: $(CURDIR)/_build/pdf/book.pdf"

# The published notebooks, run where a reader runs them (tests/test_book_notebooks.py).
test-notebooks: book
	NOTEBOOKS_ALL=1 $(PY) -m pytest -m notebooks tests/test_book_notebooks.py

clean:
	rm -rf _build
