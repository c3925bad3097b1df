// Keeps what a reporter typed if the connection drops or the page is reloaded: the form's
// fields are copied to sessionStorage as she types and put back when the form opens
// again. sessionStorage, never localStorage: it belongs to this tab only and is gone when
// the tab is closed, so the next person using a shared phone finds nothing. The page that
// confirms a sent report removes the copy, and so does Quick exit (quick-exit.js). Without
// JavaScript the form works the same.
(function () {
  "use strict";
  // No browser memory of what is typed here: autofill would offer it again to the next
  // person who uses this phone, and a restored page would show it.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-keep]"), function (form) {
    form.setAttribute("autocomplete", "off");
  });

  var PREFIX = "draft:";
  var store;
  try {
    store = window.sessionStorage;
    store.setItem(PREFIX + "test", "1");
    store.removeItem(PREFIX + "test");
  } catch (error) {
    return; // storage switched off (private mode on some phones): nothing to do
  }

  if (document.querySelector("[data-keep-clear]")) {
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX) === 0) { store.removeItem(name); }
    }
    return;
  }

  var form = document.querySelector("form[data-keep]");
  if (!form) { return; }
  var key = PREFIX + form.getAttribute("data-keep");
  // Never kept: the honeypot, the one-time question, the file, and the CSRF token.
  var SKIP = {
    website: 1, challenge_token: 1, challenge_answer: 1, challenge_work: 1, csrfmiddlewaretoken: 1
  };

  function kept(field) {
    if (!field.name || SKIP[field.name]) { return false; }
    var type = (field.type || "").toLowerCase();
    return type !== "file" && type !== "password" && type !== "submit";
  }

  function save() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field)) { return; }
      if (field.type === "radio") {
        if (field.checked) { data[field.name] = field.value; }
      } else if (field.type === "checkbox") {
        data[field.name] = field.checked ? "on" : "";
      } else {
        data[field.name] = field.value;
      }
    });
    try { store.setItem(key, JSON.stringify(data)); } catch (error) { /* full: skip */ }
  }

  function restore() {
    var data;
    try { data = JSON.parse(store.getItem(key) || "null"); } catch (error) { data = null; }
    if (!data) { return; }
    // After a refusal the server sends back what was posted: that wins over the copy.
    var story = form.elements.what_happened;
    if (story && story.value) { return; }
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field) || !Object.prototype.hasOwnProperty.call(data, field.name)) { return; }
      if (field.type === "radio") {
        field.checked = field.value === data[field.name];
      } else if (field.type === "checkbox") {
        field.checked = data[field.name] === "on";
      } else {
        // The hidden key too: a report sent again after a reload is still one report.
        field.value = data[field.name];
      }
    });
  }

  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", save);
  var note = document.getElementById("keep-note");
  if (note) { note.hidden = false; }
}());
