/* The intake page's map: drop (or drag) a pin to fill the latitude/longitude inputs.
 *
 * Without JavaScript the inputs are typed by hand; with it the pin and the inputs follow each
 * other. On a fresh form the phone's own location (navigator.geolocation) sets the pin. The
 * person's grid cells are outlined; tiles are optional (settings.MAP_TILES_URL).
 */
(function () {
  "use strict";
  var text = window.ccMaps.text;

  function round(value) { return Math.round(value * 1e7) / 1e7; }

  function setup(el) {
    var holder = document.getElementById(el.dataset.source);
    var latInput = document.getElementById(el.dataset.lat);
    var lngInput = document.getElementById(el.dataset.lng);
    if (!holder || !latInput || !lngInput) { return; }
    var data;
    try { data = JSON.parse(holder.textContent); } catch (e) { return; }
    var status = el.parentNode.querySelector(".map-status");
    var locateButton = el.parentNode.querySelector("button.locate");

    function say(message) { if (status) { status.textContent = message || ""; } }

    var map = L.map(el, { attributionControl: false });
    map.setView(data.center || [36.651, 116.992], 13);
    if (data.tiles) { L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map); }

    var cells = L.featureGroup().addTo(map);
    (data.cells || []).forEach(function (cell) {
      L.geoJSON(cell.boundary, { style: { color: "#c8102e", weight: 1.5, fillOpacity: 0.06 } })
        .bindTooltip(text(cell.name)).addTo(cells);
    });
    if (cells.getBounds().isValid()) { map.fitBounds(cells.getBounds(), { maxZoom: 17 }); }

    var pin = null;
    function place(lat, lng, pan) {
      if (!pin) {
        pin = L.marker([lat, lng], { draggable: true, autoPan: true }).addTo(map);
        pin.on("dragend", function () {
          var at = pin.getLatLng();
          fill(at.lat, at.lng);
        });
      } else {
        pin.setLatLng([lat, lng]);
      }
      if (pan) { map.setView([lat, lng], Math.max(map.getZoom(), 17)); }
    }
    function fill(lat, lng) {
      latInput.value = round(lat);
      lngInput.value = round(lng);
    }
    function fromInputs() {
      var lat = parseFloat(latInput.value), lng = parseFloat(lngInput.value);
      if (isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        place(lat, lng, true);
        return true;
      }
      return false;
    }

    map.on("click", function (event) {
      place(event.latlng.lat, event.latlng.lng, false);
      fill(event.latlng.lat, event.latlng.lng);
      say("");
    });
    latInput.addEventListener("change", fromInputs);
    lngInput.addEventListener("change", fromInputs);

    function locate() {
      if (!navigator.geolocation) { say(el.dataset.unavailable); return; }
      say(el.dataset.locating);
      navigator.geolocation.getCurrentPosition(function (position) {
        var lat = position.coords.latitude, lng = position.coords.longitude;
        place(lat, lng, true);
        fill(lat, lng);
        say(el.dataset.located);
      }, function () {
        say(el.dataset.unavailable);
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    }
    if (locateButton && navigator.geolocation) {
      locateButton.hidden = false;
      locateButton.addEventListener("click", locate);
    }
    // A form sent back with errors keeps its pin; a fresh one starts where the phone is.
    if (!fromInputs()) { locate(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) { return; }
    document.querySelectorAll(".report-map").forEach(setup);
  });
})();
