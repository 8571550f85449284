/* Bianmin: the page behaviours that used to be inline handlers (a CSP without 'unsafe-inline' forbids those).
   data-confirm on a button or a form asks before submitting (data-confirm-when="x": only when the submitting
   button's value is x); data-print prints the page. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) {
      event.preventDefault();
      window.print();
      return;
    }
    var button = event.target.closest("button[data-confirm], input[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-confirm")) {
      return;
    }
    var when = form.getAttribute("data-confirm-when");
    var submitter = event.submitter;
    if (when && (!submitter || submitter.value !== when)) {
      return;
    }
    if (!window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
