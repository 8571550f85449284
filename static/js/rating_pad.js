/* The window's rating pad (decision 0024): polls its small JSON state every few seconds and reloads when the clerk
   has pressed "请评价" (a new invite), the invite is gone, or who is on duty changed; goes back to the activation
   page when the pad was revoked. After a rating (or an error) it returns to the waiting page after a few seconds.
   A static file: the CSP forbids inline scripts. Nothing here touches the levels (no prompting for a score). */
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-pad-state");
  if (!url) {
    return;
  }
  var invite = body.getAttribute("data-pad-invite") || "";
  var duty = body.getAttribute("data-pad-duty") || "";
  var every = (parseInt(body.getAttribute("data-pad-poll"), 10) || 3) * 1000;
  var back = parseInt(body.getAttribute("data-pad-return"), 10);
  if (back > 0) {
    window.setTimeout(function () { window.location.replace(window.location.pathname.replace(/rate\/$/, "")); },
                      back * 1000);
  }
  function poll() {
    fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.status === 401) {
          window.location.replace(url.replace(/state\/$/, "activate/"));
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (!state || back > 0) {
          return;
        }
        var now = state.invite === null ? "" : String(state.invite);
        if (now !== invite || (state.duty || "") !== duty) {
          window.location.reload();
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }
  window.setInterval(poll, every);
}());
