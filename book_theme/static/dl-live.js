/* Live code: the page's code cells made editable and runnable against a local kernel.

   `make serve` (scripts/serve.py) serves the site and, beside it, a Jupyter server; the site
   answers /_live/config.json with the kernel server's address and token. The "Live code"
   button reads it, loads thebe from this site (_static/thebe/, nothing from a CDN) and turns
   every code cell of the page, in order, into an editor with a run button; its outputs are
   drawn in place. The cells come from the page's own published notebook, so that the cells
   whose code the page hides (drawing code) run too, in their place. Without that config
   (the site opened from disk or served by anything else) the button says how to start it,
   and nothing is requested until it is pressed. */
(function () {
  "use strict";

  var STATIC = new URL(".", document.currentScript.src).href;
  var CONFIG_URL = "/_live/config.json";
  var HOW_TO =
    "Live code runs the page against a Python kernel on your own machine. In the book's " +
    "folder, run <code>make serve</code>, then open this page at " +
    "<a href=\"http://127.0.0.1:8000/\">http://127.0.0.1:8000/</a> and press the button again.";

  function say(bar, html, state) {
    var status = bar.querySelector(".dl-live-status");
    status.innerHTML = html;
    bar.setAttribute("data-state", state);
  }

  async function readConfig() {
    if (location.protocol !== "http:" && location.protocol !== "https:") return null;
    try {
      var response = await fetch(CONFIG_URL, {cache: "no-store"});
      if (!response.ok) return null;
      var config = await response.json();
      return config.baseUrl && config.token ? config : null;
    } catch (error) {
      return null;
    }
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.append(script);
    });
  }

  function loadStyle(href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.append(link);
  }

  async function notebookSources() {
    var link = document.querySelector("a.btn-download-notebook-button");
    if (!link) throw new Error("this page offers no notebook to run");
    var notebook = await (await fetch(link.href)).json();
    return notebook.cells
      .filter(function (cell) { return cell.cell_type === "code"; })
      .map(function (cell) {
        return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      });
  }

  /* Give thebe one source element and one output element per cell, in the page's order:
     it pairs the n-th source with the n-th output. */
  function markCells(cells, sources) {
    if (cells.length !== sources.length) {
      throw new Error("the page shows " + cells.length + " code cells and its notebook has " +
                      sources.length + "; rebuild the book");
    }
    cells.forEach(function (cell, i) {
      var pre = document.createElement("pre");
      pre.setAttribute("data-dl-live-source", "");
      pre.textContent = sources[i];
      var input = cell.querySelector(".cell_input");
      if (input) {
        input.replaceChildren(pre);
      } else {
        var details = document.createElement("details");
        details.className = "dl-live-hidden";
        var summary = document.createElement("summary");
        summary.textContent = "Code of this cell (hidden on the page)";
        details.append(summary, pre);
        cell.prepend(details);
      }
      // The page's output stays until the cell runs (dl-book.css hides it then): thebe
      // would otherwise empty it on the spot.
      var output = document.createElement("div");
      output.className = "dl-live-output";
      output.setAttribute("data-dl-live-output", "");
      cell.append(output);
    });
  }

  /* Run every cell in order, on to the end even past an error (some cells show one on
     purpose), as a reader running the notebook top to bottom would. */
  async function runAll(notebook, bar) {
    for (var i = 0; i < notebook.cells.length; i++) {
      say(bar, "Running cell " + (i + 1) + " of " + notebook.cells.length + "\u2026", "live");
      await notebook.cells[i].execute();
    }
    say(bar, "Ran all " + notebook.cells.length + " cells.", "live");
  }

  function addPageButton(bar, label, action) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "dl-live-button";
    button.textContent = label;
    button.addEventListener("click", async function () {
      button.disabled = true;
      try { await action(); } finally { button.disabled = false; }
    });
    bar.insertBefore(button, bar.querySelector(".dl-live-status"));
  }

  async function goLive(bar, button) {
    button.disabled = true;
    say(bar, "Looking for the local kernel server\u2026", "connecting");
    var config = await readConfig();
    if (!config) {
      button.disabled = false;
      say(bar, HOW_TO, "no-server");
      return;
    }
    try {
      var sources = await notebookSources();
      loadStyle(STATIC + "thebe/thebe.css");
      await loadScript(STATIC + "thebe/index.js");
      markCells(Array.from(document.querySelectorAll("article div.cell")), sources);
      say(bar, "Starting a kernel\u2026", "connecting");
      var live = await window.thebe.bootstrap({
        useBinder: false, useJupyterLite: false, requestKernel: true,
        selector: "[data-dl-live-source]", outputSelector: "[data-dl-live-output]",
        mountStatusWidget: false, mountActivateWidget: false,
        mountRunButton: true, mountRunAllButton: false,
        mountRestartButton: false, mountRestartAllButton: false,
        serverSettings: {baseUrl: config.baseUrl, wsUrl: config.wsUrl, token: config.token,
                         appendToken: true},
        kernelOptions: {name: "python3", path: "."},
        mathjaxUrl: STATIC + "dl-live-mathjax2.js",
        codeMirrorConfig: {mode: "python", theme: "default", lineNumbers: false}
      });
      if (!live.session) throw new Error("the kernel did not start");
      button.hidden = true;
      document.body.classList.add("dl-live-on");
      addPageButton(bar, "Run all cells", function () { return runAll(live.notebook, bar); });
      addPageButton(bar, "Restart the kernel", async function () {
        say(bar, "Restarting the kernel\u2026", "live");
        await live.session.kernel.restart();
        say(bar, "A new kernel: run the cells again from the top.", "live");
      });
      say(bar, "Live: edit any cell and run it (Shift+Enter or its <em>run</em> button), " +
               "in order from the top. Your edits stay in this browser tab.", "live");
    } catch (error) {
      button.disabled = false;
      var reason = document.createElement("span");
      reason.textContent = String(error.message || error);  // text, never markup
      say(bar, "Live code could not start: " + reason.innerHTML +
               ". Is <code>make serve</code> still running?", "error");
    }
  }

  function addButton() {
    var cells = document.querySelectorAll("article div.cell");
    var heading = document.querySelector("article h1");
    if (!cells.length || !heading) return;
    var bar = document.createElement("div");
    bar.className = "dl-live";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "dl-live-button";
    button.textContent = "Live code";
    var status = document.createElement("span");
    status.className = "dl-live-status";
    status.setAttribute("role", "status");
    bar.append(button, status);
    heading.after(bar);
    button.addEventListener("click", function () { goLive(bar, button); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addButton);
  } else {
    addButton();
  }
})();
