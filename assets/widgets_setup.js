// Set-up for the ipywidgets HTML manager, loaded after require.js and before embed-amd.js
// on every page that has widgets.
(function () {
  // 1. The manager's webpack bundles find their fonts relative to their AMD module names
  //    ("@jupyter-widgets/..."), which require.js resolves against the page's own folder.
  //    Point those names at the vendored copy in _static/vendor/html-manager instead.
  var vendor = new URL("vendor/html-manager", document.currentScript.src).href;
  require.config({
    paths: {
      "@jupyter-widgets/html-manager/dist": vendor,
      "@jupyter-widgets/html-manager": vendor + "/html-manager",
      "@jupyter-widgets/base": vendor + "/base",
      "@jupyter-widgets/controls": vendor + "/controls",
    },
  });

  // 2. HTMLMath widgets are typeset with MathJax 2's API (MathJax.Hub.Queue), but the book
  //    loads MathJax 3. Translate the one call the manager makes, once MathJax is ready.
  //    MathJax 3 replaces the global `MathJax` object when its (deferred) script runs, which
  //    is before DOMContentLoaded; the manager renders widgets after that event. So attach
  //    the shim now and again when the event fires (this listener is registered first).
  var hub = {
    Queue: function () {
      Array.prototype.forEach.call(arguments, function (command) {
        if (!Array.isArray(command) || command[0] !== "Typeset" || !command[2]) return;
        var element = command[2];
        (function typesetWhenReady() {
          var mj = window.MathJax;
          if (mj.startup && mj.startup.promise && mj.typesetPromise) {
            mj.startup.promise
              .then(function () { return mj.typesetPromise([element]); })
              .catch(function (err) { console.error("MathJax:", err); });
          } else {
            setTimeout(typesetWhenReady, 50);
          }
        })();
      });
    },
  };
  function attach() {
    window.MathJax = window.MathJax || {};
    if (!window.MathJax.Hub) window.MathJax.Hub = hub;
  }
  attach();
  document.addEventListener("DOMContentLoaded", attach);
})();
