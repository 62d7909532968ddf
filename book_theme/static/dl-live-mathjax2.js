/* Loaded by live code (dl-live.js) in place of MathJax 2 from a CDN: thebe draws outputs
   with JupyterLab's MathJax 2 typesetter, which loads the script at thebe's `mathjaxUrl`
   (cdnjs.cloudflare.com unless told otherwise) and then makes these few MathJax 2 calls.
   Here the page's own MathJax 3, when the page has one, typesets what they ask for. */
(function () {
  "use strict";
  var mathjax = window.MathJax = window.MathJax || {};
  function typeset(node) {
    if (mathjax.typesetPromise) mathjax.typesetPromise([node]).catch(function () {});
  }
  mathjax.Hub = {
    Config: function () {},
    Configured: function () {},
    Register: {StartupHook: function () {}},
    Queue: function () {
      Array.prototype.forEach.call(arguments, function (job) {
        if (Array.isArray(job) && job[0] === "Typeset") typeset(job[2]);
      });
    }
  };
  mathjax.Ajax = mathjax.Ajax || {};
  mathjax.InputJax = {TeX: {resetEquationNumbers: function () {}}};
})();
