/* Bianmin 叫号台 (backoffice/queue.html): reload the console when the center's queue changes (a ticket taken, a call
   at another window), so the waiting counts and the set-aside list stay current. The page's
   data-queue-state URL answers {"version": n}; the console reloads when n differs from data-queue-version, but not
   while the clerk is typing or choosing in a form (the reload waits for the next poll). */
(function () {
  "use strict";
  var POLL_MS = 5000;
  var console_ = document.querySelector("[data-queue-state]");
  if (!console_ || !window.fetch) {
    return;
  }
  var url = console_.getAttribute("data-queue-state");
  var shown = console_.getAttribute("data-queue-version");

  function busy() {
    var el = document.activeElement;
    return el && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName);
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && String(data.version) !== shown && !busy()) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, POLL_MS);
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 2); });
  }

  window.setTimeout(poll, POLL_MS);
}());
