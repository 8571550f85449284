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

  // 收件: the applicant's kind shows only its own fields (the others are hidden and disabled, so Tab skips them);
  // a checklist row starts as not received, and choosing how it was received fills the copies the checklist asks
  // for and ticks 符合要求 (the clerk unticks it and writes the problem when it is not).
  function showKind(form) {
    var kind = form.querySelector("select[name=applicant_kind]");
    if (!kind) {
      return;
    }
    form.querySelectorAll("[data-kind]").forEach(function (group) {
      var off = group.getAttribute("data-kind") !== kind.value;
      group.hidden = off;
      group.querySelectorAll("input, select").forEach(function (input) { input.disabled = off; });
    });
  }
  // Only a row coming from 未提交 is ticked: a clerk who unticked 符合 and wrote the problem keeps it unticked when
  // switching between 纸质 and 电子.
  function markRow(row, how) {
    var copies = row.querySelector("input.copies");
    var ok = row.querySelector("input[type=checkbox]");
    var before = row.getAttribute("data-how");
    row.setAttribute("data-how", how);
    if (how === "MISSING") {
      copies.value = "";
      ok.checked = false;
    } else if (before === "MISSING") {
      if (!copies.value && how !== "SHARED") {
        copies.value = row.getAttribute("data-copies") || "1";
      }
      ok.checked = true;
    }
  }
  document.querySelectorAll("form[data-receive]").forEach(function (form) {
    showKind(form);
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name === "applicant_kind") {
        showKind(form);
      } else if (target.tagName === "SELECT" && /_how$/.test(target.name)) {
        markRow(target.closest("tr"), target.value);
      }
    });
    form.addEventListener("click", function (event) {
      if (!event.target.closest("[data-receive-all]")) {
        return;
      }
      form.querySelectorAll("tr[data-necessity=REQUIRED]").forEach(function (row) {
        var select = row.querySelector("select");
        if (select.value === "MISSING") {
          select.value = "PAPER";
          markRow(row, "PAPER");
        }
      });
    });
  });

  // Signing out removes the 登记代办 drafts kept in this browser (relay_draft.js): no applicant's data stays behind.
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute ? event.target.getAttribute("action") || "" : "";
    if (!/\/logout\/$/.test(action)) {
      return;
    }
    try {
      Object.keys(window.localStorage).forEach(function (key) {
        if (key.indexOf("bianmin.relayDraft.") === 0) {
          window.localStorage.removeItem(key);
        }
      });
    } catch (e) {
      // storage disabled: nothing was kept
    }
  });
})();
