/* 登记代办 on a phone with a weak network (issue 13 item 7, decision 0023 §5): the form is kept as a draft in this
   browser while the agent types, with one idempotency key per draft sent in the hidden field idempotency_key, so a
   form re-sent after a dropped connection is registered once (the server claims the key). The draft is restored
   when the page is opened again ("已恢复未提交的草稿", with a button to discard it), is keyed by the signed-in user
   (data-draft-user), expires 24 hours after it was started, and is removed when the relay page confirms its key
   (data-relay-draft-done) and at sign-out (bianmin.js). */
(function () {
  "use strict";
  var PREFIX = "bianmin.relayDraft.";
  var TTL = 24 * 60 * 60 * 1000;

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage disabled: the form still works, without a draft
    }
  }
  function drop(user) {
    var store = storage();
    if (store && user) {
      store.removeItem(PREFIX + user);
    }
  }
  function load(user) {
    var store = storage();
    var raw = store && user ? store.getItem(PREFIX + user) : null;
    var draft = null;
    if (!raw) {
      return null;
    }
    try {
      draft = JSON.parse(raw);
    } catch (e) {
      draft = null;
    }
    if (!draft || draft.user !== user || typeof draft.startedAt !== "number" || !draft.key ||
        Date.now() - draft.startedAt > TTL) {
      drop(user);
      return null;
    }
    return draft;
  }
  function save(user, draft) {
    var store = storage();
    try {
      if (store) {
        store.setItem(PREFIX + user, JSON.stringify(draft));
      }
    } catch (e) {
      // storage full: nothing kept, the form still works
    }
  }
  function newKey() {
    var bytes, hex;
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    bytes = new Uint8Array(16); // randomUUID needs a secure context; getRandomValues does not
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }
  function kept(element) {
    return element.name && element.name !== "csrfmiddlewaretoken" &&
      ["hidden", "submit", "button", "file", "password"].indexOf(element.type) < 0;
  }
  function fieldsOf(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) {
        return;
      }
      if (element.type === "radio" || element.type === "checkbox") {
        fields[element.name] = fields[element.name] || [];
        if (element.checked) {
          fields[element.name].push(element.value);
        }
      } else {
        fields[element.name] = element.value;
      }
    });
    return fields;
  }
  function restore(form, fields) {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element) || !Object.prototype.hasOwnProperty.call(fields, element.name)) {
        return;
      }
      var value = fields[element.name];
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = Array.isArray(value) && value.indexOf(element.value) >= 0;
      } else if (typeof value === "string") {
        element.value = value;
      }
    });
    form.dispatchEvent(new Event("change", { bubbles: true })); // the applicant's kind shows its own fields
  }

  // The relay page after a registration: the draft sent with this key is registered.
  document.querySelectorAll("[data-relay-draft-done]").forEach(function (flag) {
    var user = flag.getAttribute("data-draft-user");
    var draft = load(user);
    if (draft && draft.key === flag.getAttribute("data-relay-draft-done")) {
      drop(user);
    }
  });

  var form = document.querySelector("form[data-relay-draft]");
  var note = document.querySelector("[data-draft-note]");
  var elsewhere = document.querySelector("[data-draft-elsewhere]");
  var holder = form || elsewhere;
  if (!holder) {
    return;
  }
  var user = holder.getAttribute("data-draft-user");
  var keyField = form ? form.elements.namedItem("idempotency_key") : null;
  var item = form ? form.elements.namedItem("item").value : "";
  var draft = load(user);
  var picker = document.querySelector("form[method=get] select[name=item]");
  if (draft && form && draft.item === item) {
    if (!keyField.value) { // a fresh page (a refused post shows what was sent instead)
      restore(form, draft.fields || {});
    }
    note.hidden = false; // with its button to discard the draft (the refusal of a reused key asks for it)
  } else if (draft) { // a draft of another item, or no item picked yet
    elsewhere.querySelector("[data-draft-item]").textContent = draft.label || draft.item;
    elsewhere.querySelector("[data-draft-continue]").href = "?item=" + encodeURIComponent(draft.item);
    elsewhere.hidden = false;
    draft = null;
  }
  document.querySelectorAll("[data-draft-discard]").forEach(function (button) {
    button.addEventListener("click", function () {
      drop(user);
      window.location.href = window.location.pathname + (item ? "?item=" + encodeURIComponent(item) : "");
    });
  });
  if (!form) {
    return;
  }
  var key = draft ? draft.key : (keyField.value || newKey());
  var startedAt = draft ? draft.startedAt : Date.now();
  var label = picker && picker.selectedIndex >= 0 ? picker.options[picker.selectedIndex].text : item;
  keyField.value = key;
  function keep() {
    save(user, { user: user, item: item, label: label, key: key, startedAt: startedAt, fields: fieldsOf(form) });
    if (elsewhere) {
      elsewhere.hidden = true; // typing here starts this item's draft in place of the other one
    }
  }
  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
  form.addEventListener("submit", keep);
})();
