/* The book's additions to sphinx-book-theme (added by book_theme/dl_book_theme.py). */
(function () {
  "use strict";

  /* -- Solution titles open their solution: the theme makes the exercise's name in the title
        a link that jumps back to the exercise, which a reader clicks expecting the solution. */
  function unlinkSolutionTitles() {
    document.querySelectorAll("div.solution > .admonition-title a.reference").forEach(
      function (link) {
        var span = document.createElement("span");
        span.className = "dl-solution-of";
        span.innerHTML = link.innerHTML;
        link.replaceWith(span);
      });
  }

  /* -- Search snippets without TeX: Sphinx makes them from the page's text, in which the
        mathematics is still TeX source (MathJax typesets it only on the page itself). */
  var TEX_SYMBOLS = {
    top: "\u1d40", cdot: "\u00b7", times: "\u00d7", sum: "\u03a3", prod: "\u03a0",
    "in": "\u2208", leq: "\u2264", le: "\u2264", geq: "\u2265", ge: "\u2265",
    approx: "\u2248", neq: "\u2260", ell: "\u2113", infty: "\u221e", partial: "\u2202",
    nabla: "\u2207", to: "\u2192", rightarrow: "\u2192", mid: "|", log: "log", exp: "exp",
    alpha: "\u03b1", beta: "\u03b2", gamma: "\u03b3", delta: "\u03b4", epsilon: "\u03b5",
    eta: "\u03b7", theta: "\u03b8", lambda: "\u03bb", mu: "\u03bc", pi: "\u03c0",
    sigma: "\u03c3", tau: "\u03c4", phi: "\u03c6", psi: "\u03c8", omega: "\u03c9",
    Delta: "\u0394", Sigma: "\u03a3", Theta: "\u0398", mathbb: "", mathbf: "",
    mathrm: "", boldsymbol: "", text: "", operatorname: "", hat: "", frac: "",
    left: "", right: "", quad: " ", qquad: " "
  };
  var BLACKBOARD = {R: "\u211d", E: "\ud835\udd3c", N: "\u2115", P: "\u2119"};

  function texToText(tex) {
    return tex
      .replace(/^\\[(\[]|\\[)\]]$/g, "")
      .replace(/\\mathbb\{(\w)\}/g, function (m, letter) { return BLACKBOARD[letter] || letter; })
      .replace(/\\([A-Za-z]+)/g, function (m, name) {
        return Object.prototype.hasOwnProperty.call(TEX_SYMBOLS, name) ? TEX_SYMBOLS[name] : "";
      })
      .replace(/\\./g, " ")
      .replace(/[{}]/g, "")
      .replace(/\s+/g, " ")
      .trim();
  }

  function patchSearchSnippets() {
    if (typeof Search === "undefined" || !Search.htmlToText || Search.dlBookPatched) { return; }
    var original = Search.htmlToText;
    Search.htmlToText = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll("div.math").forEach(function (el) { el.replaceWith(" \u2026 "); });
      doc.querySelectorAll("span.math").forEach(function (el) {
        el.replaceWith(texToText(el.textContent));
      });
      return original(doc.documentElement.outerHTML, anchor);
    };
    Search.dlBookPatched = true;
  }

  /* -- Sliders of interactive figures work from the keyboard: each plotly slider gets a
        native range input (in the tab order, announced as a slider with its value) that
        moves it; moving the plotly slider with the mouse moves the input too. */
  function sliderName(slider) {
    var prefix = (slider.currentvalue && slider.currentvalue.prefix) || "value";
    return prefix.replace(/[=:]\s*$/, "").trim() || "value";
  }

  function addSliderKeys(box, gd) {
    if (gd.dataset.dlSliderKeys || !gd.layout || !gd.layout.sliders) { return; }
    gd.dataset.dlSliderKeys = "1";
    var inputs = [];
    gd.layout.sliders.forEach(function (slider, index) {
      var steps = slider.steps || [];
      if (steps.length < 2) { return; }
      var input = document.createElement("input");
      input.type = "range";
      input.className = "dl-slider-keys";
      input.min = "0";
      input.max = String(steps.length - 1);
      input.step = "1";
      input.value = String(slider.active || 0);
      var name = sliderName(slider);
      input.setAttribute("aria-label", "Slider " + name + " of the figure: " +
                         (box.getAttribute("aria-label") || ""));
      var describe = function (k) {
        input.setAttribute("aria-valuetext", name + " = " + steps[k].label);
      };
      describe(Number(input.value));
      input.addEventListener("input", function () {
        // What a click on step k does (its method and arguments), and the slider moves to k.
        var k = Number(input.value);
        var args = steps[k].args || [];
        var moved = {};
        moved["sliders[" + index + "].active"] = k;
        if (steps[k].method === "relayout") {
          window.Plotly.relayout(gd, Object.assign({}, args[0] || {}, moved));
        } else if (steps[k].method === "restyle") {
          window.Plotly.update(gd, args[0] || {}, moved, args[1]);
        } else {  // "update"
          window.Plotly.update(gd, args[0] || {}, Object.assign({}, args[1] || {}, moved),
                              args[2]);
        }
        describe(k);
      });
      input.addEventListener("focus", function () { box.classList.add("dl-slider-focus"); });
      input.addEventListener("blur", function () { box.classList.remove("dl-slider-focus"); });
      box.insertBefore(input, box.firstChild);
      inputs[index] = {input: input, describe: describe};
    });
    gd.on("plotly_sliderchange", function (event) {
      var index = gd.layout.sliders.indexOf(event.slider);
      var entry = inputs[index >= 0 ? index : 0];
      if (entry && event.slider) {
        entry.input.value = String(event.slider.active);
        entry.describe(event.slider.active);
      }
    });
  }

  function watchInteractiveFigures() {
    var boxes = document.querySelectorAll("div.dl-interactive");
    if (!boxes.length) { return; }
    var tries = 0;
    var timer = setInterval(function () {
      var pending = 0;
      boxes.forEach(function (box) {
        var gd = box.querySelector(".js-plotly-plot");
        if (gd && gd.layout && typeof gd.on === "function" && window.Plotly) {
          addSliderKeys(box, gd);
        } else {
          pending += 1;
        }
      });
      tries += 1;
      if (!pending || tries > 300) { clearInterval(timer); }
    }, 100);
  }

  /* -- Folded code cells: myst-nb names their toggle "Toggle hidden content" though it shows
        "Show code cell source"; a control's name must contain its visible text. */
  function nameFoldedCells() {
    document.querySelectorAll("details > summary[aria-label='Toggle hidden content']").forEach(
      function (summary) { summary.removeAttribute("aria-label"); });
  }

  /* -- Display equations that fit: one a little wider than the text column (at most a
        quarter) is set a little smaller; a wider one (on a phone) scrolls inside its own box,
        which then takes the keyboard focus so that it can be scrolled without a mouse. */
  var SMALLEST = 0.75;

  function fitEquations() {
    document.querySelectorAll("div.math > mjx-container[display='true']").forEach(
      function (box) {
        if (!box.dataset.dlFontSize) { box.dataset.dlFontSize = box.style.fontSize || "100%"; }
        box.style.fontSize = box.dataset.dlFontSize;
        box.removeAttribute("tabindex");
        if (!box.clientWidth) { return; }  // folded away: fitted when shown
        var ratio = box.clientWidth / box.scrollWidth;
        if (ratio < 1 && ratio >= SMALLEST) {
          box.style.fontSize = (parseFloat(box.dataset.dlFontSize) * ratio * 0.98) + "%";
        }
        if (box.scrollWidth > box.clientWidth + 1) { box.setAttribute("tabindex", "0"); }
      });
    document.documentElement.dataset.dlEquationsFitted = "1";
  }

  function watchEquations() {
    if (!document.querySelector("div.math")) { return; }
    var tries = 0;
    var timer = setInterval(function () {
      tries += 1;
      if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        clearInterval(timer);
        MathJax.startup.promise.then(fitEquations);
      } else if (tries > 300) {
        clearInterval(timer);
      }
    }, 50);
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(fitEquations, 150);
    });
    document.addEventListener("click", function () { setTimeout(fitEquations, 50); });
  }

  function start() {
    watchEquations();
    nameFoldedCells();
    unlinkSolutionTitles();
    patchSearchSnippets();
    watchInteractiveFigures();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
