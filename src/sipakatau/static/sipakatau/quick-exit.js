// Quick exit, and a visit that leaves a single entry in the browser's history.
//
// While this script runs, moving around the portal never adds a history entry: a link to
// a page of this site replaces the current entry (location.replace), and a form is sent
// with fetch and its answer drawn in place of the page (a form posted by the browser
// always adds one). So "Quick exit", or the Shift key pressed three times, replaces the
// visit's only entry with an everyday page on another site, and Back cannot return here.
// Before leaving it erases what the portal keeps in this browser: drafts in sessionStorage,
// anything in localStorage, the values of the fields on the page, and a report followed on
// this phone (the session forgets it). Without JavaScript the button is a plain link to
// the same page, and links and forms work as ordinary pages do.
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) { return; }
  var each = Array.prototype.forEach;

  // --- Leaving --------------------------------------------------------------------------

  function forgetTrackedReport() {
    var form = document.getElementById("quick-exit-forget");
    if (!form || !navigator.sendBeacon) { return; }
    try { navigator.sendBeacon(form.action, new FormData(form)); } catch (error) { /* gone */ }
  }

  function eraseStorage() {
    ["sessionStorage", "localStorage"].forEach(function (name) {
      try { window[name].clear(); } catch (error) { /* storage switched off */ }
    });
  }

  // Empty every field, its default included: a page drawn again after a refused report
  // holds the story as the field's default, which a reset or a restore would bring back.
  function eraseFields() {
    each.call(document.querySelectorAll("input, textarea, select"), function (field) {
      var type = (field.type || "").toLowerCase();
      if (field.tagName === "SELECT") {
        each.call(field.options, function (option) {
          option.selected = false;
          option.defaultSelected = false;
        });
      } else if (type === "checkbox" || type === "radio") {
        field.checked = false;
        field.defaultChecked = false;
      } else if (type === "file") {
        field.value = "";
      } else {
        field.value = "";
        field.defaultValue = "";
      }
    });
  }

  function leave(event) {
    if (event) { event.preventDefault(); }
    var target = link.href;
    try {
      forgetTrackedReport();
      eraseStorage();
      eraseFields();
      document.title = "";
      document.body.textContent = "";
    } finally {
      window.location.replace(target); // whatever failed above, she leaves
    }
  }

  link.addEventListener("click", leave);

  // Three presses of Shift alone within a second. Any other key starts the count again, so
  // that typing capital letters never throws away a story being written.
  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") { presses = []; return; }
    if (event.repeat) { return; }
    var now = Date.now();
    presses = presses.filter(function (time) { return now - time < 1000; });
    presses.push(now);
    if (presses.length >= 3) { leave(null); }
  });

  // --- Links: replace, never push -------------------------------------------------------

  function sameSite(url) {
    return url.origin === window.location.origin;
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    var anchor = event.target.closest ? event.target.closest("a[href]") : null;
    if (!anchor || anchor.hasAttribute("download")) { return; }
    if (anchor.target && anchor.target !== "_self") { return; }
    var url;
    try { url = new URL(anchor.href); } catch (error) { return; }
    if (!sameSite(url)) { return; } // tel:, and other sites: as the browser does it
    event.preventDefault();
    window.location.replace(url.href);
  });

  // --- Forms: sent with fetch, the answer drawn in place ------------------------------
  // The request is the one the browser would send (same fields, the file, the hidden
  // one-time key, the CSRF token), so the server cannot tell and the no-JavaScript path
  // stays the reference. A second press while one is on its way is ignored: the answer to
  // the first carries the PIN, which is shown only once.

  var status = document.getElementById("send-status");
  var sending = false;

  function say(form, submitter, kind) {
    if (!status) { return; }
    if (submitter && form.contains(submitter)) {
      submitter.parentNode.insertBefore(status, submitter.nextSibling);
    } else {
      form.appendChild(status);
    }
    status.setAttribute("role", kind === "failed" ? "alert" : "status");
    status.hidden = false;
    status.textContent = "";
    // Filled a moment later, so that screen readers notice the change and read it.
    window.setTimeout(function () {
      status.textContent = status.getAttribute("data-" + kind) || "";
    }, 50);
  }

  function fields(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    return data;
  }

  function draw(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("text/html") === -1) {
      window.location.replace(response.url);
      return null;
    }
    return response.text().then(function (html) {
      window.history.replaceState(null, "", response.url);
      document.open();
      document.write(html);
      document.close();
      window.scrollTo(0, 0);
    });
  }

  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented || !window.fetch || !window.FormData) { return; }
    var form = event.target;
    var submitter = event.submitter || null;
    var method = ((submitter && submitter.getAttribute("formmethod")) ||
                  form.getAttribute("method") || "get").toLowerCase();
    var target = (submitter && submitter.getAttribute("formtarget")) || form.getAttribute("target");
    if (target && target !== "_self") { return; }
    var url;
    try {
      url = new URL(submitter && submitter.hasAttribute("formaction") ?
                    submitter.formAction : form.action, window.location.href);
    } catch (error) { return; }
    if (!sameSite(url) || (method !== "get" && method !== "post")) { return; }
    event.preventDefault();
    if (method === "get") {
      url.search = new URLSearchParams(fields(form, submitter)).toString();
      window.location.replace(url.href);
      return;
    }
    if (sending) { return; }
    sending = true;
    var sent = window.fetch(url.href, {
      method: "POST",
      body: fields(form, submitter),
      credentials: "same-origin",
      mode: "same-origin",
      redirect: "follow",
      headers: { Accept: "text/html" }
    });
    try { say(form, submitter, "sending"); } catch (error) { /* only a courtesy */ }
    sent.then(draw).catch(function () {
      // Nothing came back (the network, most often): the page and what she typed stay,
      // and pressing again sends the same one-time key, so the report is never doubled.
      sending = false;
      try { say(form, submitter, "failed"); } catch (error) { /* only a courtesy */ }
    });
  });
}());
