/* Small behaviours the templates ask for with data attributes, instead of inline
 * handlers (the Content-Security-Policy allows no inline script without its nonce). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print], [data-history-back]");
    if (!target) {
      return;
    }
    if (target.hasAttribute("data-print")) {
      window.print();
    } else if (window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
