// The place search on the report's first step: as the reporter types a name, the places
// this site serves that match it (at most 20, from /api/v1/public/places on this same
// site) appear as links to the form for that place. Without JavaScript the box stays
// hidden and the steps below (plain links) do the same work. What is typed is sent only
// to this site, and never goes into the address bar or the browser history.
(function () {
  "use strict";
  var box = document.getElementById("place-search");
  if (!box || !window.fetch || !window.JSON) { return; }
  var input = document.getElementById("place-name");
  var status = document.getElementById("place-status");
  var results = document.getElementById("place-results");
  var url = box.getAttribute("data-url");
  var MIN = 2;
  var timer = null;
  var asked = "";

  function show(places) {
    results.textContent = "";
    places.forEach(function (place) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      // Relative to this page: the full form or the easy one, whichever she is on.
      link.href = "?tempat=" + encodeURIComponent(place.code);
      link.textContent = place.label;
      item.appendChild(link);
      results.appendChild(item);
    });
    status.textContent = places.length ? "" : box.getAttribute("data-none");
  }

  function search() {
    var text = input.value.replace(/\s+/g, " ").trim();
    if (text === asked) { return; }
    asked = text;
    if (text.length < MIN) {
      results.textContent = "";
      status.textContent = "";
      return;
    }
    fetch(url + "?q=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (text === asked) { show(data.places || []); }  // an older answer arriving late
    }).catch(function () {
      asked = "";
      results.textContent = "";
      status.textContent = box.getAttribute("data-failed");
    });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 250);
  });
  box.hidden = false;
}());
