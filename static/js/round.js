/* Marking a round on a phone: each item's form is sent on its own as soon as it is saved, so a
 * lost connection loses at most the item at hand; the page's location (when the phone gives
 * it) goes with every item. Without JavaScript the same forms post and come back to the item.
 */
(function () {
  "use strict";

  var position = null;

  function locate() {
    if (!navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      position = [p.coords.latitude, p.coords.longitude];
      document.querySelectorAll("[data-mark-form]").forEach(fill);
    }, function () {}, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  function fill(form) {
    if (!position) { return; }
    var lat = form.querySelector("input[name=lat]");
    var lng = form.querySelector("input[name=lng]");
    if (lat && lng && !lat.value) { lat.value = position[0].toFixed(6); lng.value = position[1].toFixed(6); }
  }

  function show(form, css, message) {
    var state = form.querySelector("[data-state]");
    state.className = "mark-state " + css;
    state.textContent = message;
  }

  function countDone() {
    var done = document.querySelectorAll(".mark-state.saved").length;
    var holder = document.querySelector("[data-done]");
    if (holder) { holder.textContent = String(done); }
  }

  function send(form, event) {
    event.preventDefault();
    fill(form);
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    var body = new FormData(form);
    fetch(form.action, { method: "POST", body: body, headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (json) { return [response.ok, json]; }); })
      .then(function (answer) {
        var ok = answer[0], json = answer[1];
        if (ok && json.saved) {
          show(form, "saved", form.dataset.savedText.replace("%s", json.label));
          var photos = form.querySelector("input[type=file]");
          if (photos) { photos.value = ""; }
        } else {
          var messages = [];
          Object.keys(json.errors || {}).forEach(function (k) { messages = messages.concat(json.errors[k]); });
          show(form, "failed", messages.join(" "));
        }
        countDone();
      })
      .catch(function () { show(form, "failed", form.dataset.offlineText); })
      .then(function () { button.disabled = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var texts = document.getElementById("round-texts");
    var t = {};
    try { t = JSON.parse(texts.textContent) || {}; } catch (e) { t = {}; }
    document.querySelectorAll("[data-mark-form]").forEach(function (form) {
      form.dataset.savedText = t.saved || "✓ %s";
      form.dataset.offlineText = t.offline || "✗";
      form.addEventListener("submit", function (event) { send(form, event); });
    });
    locate();
  });
})();
