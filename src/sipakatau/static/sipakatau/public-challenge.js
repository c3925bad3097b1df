// Over the flood limit the form asks a sum in words (public/challenge.py). A browser that
// can hash may instead prove some work — find a number whose SHA-256 with the page's
// nonce starts with enough zero bits — so the reporter need not answer. Without
// JavaScript, or without Web Crypto (plain http off this machine), the question stays.
(function () {
  "use strict";
  var box = document.getElementById("challenge");
  if (!box || !window.crypto || !window.crypto.subtle || !window.TextEncoder) { return; }
  var nonce = box.getAttribute("data-nonce");
  var bits = parseInt(box.getAttribute("data-bits"), 10);
  var field = box.querySelector("input[name=challenge_work]");
  if (!nonce || !bits || !field) { return; }
  var working = document.getElementById("challenge-working");
  var done = document.getElementById("challenge-done");
  var question = box.querySelector(".challenge-question");
  var encoder = new TextEncoder();
  var BATCH = 512;
  var start = 0;
  working.hidden = false;

  function zeroBits(buffer) {
    var bytes = new Uint8Array(buffer);
    var count = 0;
    for (var i = 0; i < bytes.length; i += 1) {
      if (bytes[i] === 0) { count += 8; continue; }
      for (var mask = 0x80; mask && !(bytes[i] & mask); mask >>= 1) { count += 1; }
      break;
    }
    return count;
  }

  function finish(work) {
    field.value = String(work);
    working.hidden = true;
    done.hidden = false;
    question.hidden = true;
  }

  function round() {
    var hashes = [];
    for (var i = 0; i < BATCH; i += 1) {
      hashes.push(window.crypto.subtle.digest("SHA-256", encoder.encode(nonce + ":" + (start + i))));
    }
    Promise.all(hashes).then(function (results) {
      for (var j = 0; j < results.length; j += 1) {
        if (zeroBits(results[j]) >= bits) { finish(start + j); return; }
      }
      start += BATCH;
      round();
    }, function () { working.hidden = true; }); // the question is still there
  }
  round();
}());
