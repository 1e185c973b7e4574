/* The 15-minute life circle's maps, drawn with Leaflet from JSON embedded by json_script.
 *
 * .circle-map      the community's boundary, its points coloured by kind, and the walking
 *                  reach as a circle of the configured radius around the service centre.
 * .point-pick-map  the same ground; a tap puts the point being edited and fills its fields.
 *
 * Tiles are optional (settings.MAP_TILES_URL): without them the shapes are drawn on a blank
 * ground. Our data is WGS-84; for GCJ-02 tiles (Amap, Tencent) every shape is converted with
 * gcoord before it is drawn, as the dashboard's map does, and a tapped point converted back.
 */
(function () {
  "use strict";
  var maps = window.ccMaps, readData = maps.readData, text = maps.text;

  function toDisplay(lat, lng, data) { return maps.toDisplay(lat, lng, data.crs); }
  function fromDisplay(lat, lng, data) { return maps.fromDisplay(lat, lng, data.crs); }
  function shapeToDisplay(geometry, data) { return maps.shapeToDisplay(geometry, data.crs); }

  function draw(el, data) {
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.5, tap: true });
    map.setView(toDisplay(data.center[0], data.center[1], data), 15);
    if (data.tiles) { L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map); }
    var all = L.featureGroup().addTo(map);
    if (data.boundary) {
      L.geoJSON(shapeToDisplay(data.boundary, data), {
        style: { color: "#57606a", weight: 2, fillColor: "#f6f8fa", fillOpacity: 0.4, className: "circle-boundary" }
      }).addTo(all);
    }
    if (data.centre) {
      L.circle(toDisplay(data.centre[0], data.centre[1], data), {
        radius: data.radius, color: "#c8102e", weight: 2, dashArray: "6 4", fillColor: "#c8102e", fillOpacity: 0.06,
        interactive: false, className: "circle-reach"
      }).addTo(all);
    }
    (data.points || []).forEach(function (p) {
      var marker = L.circleMarker(toDisplay(p.lat, p.lng, data), {
        radius: p.kind === "service_centre" ? 9 : 7, color: "#fff", weight: 2, fillColor: p.colour, fillOpacity: 1,
        className: "circle-point"
      });
      marker.bindPopup("<strong>" + text(p.name) + "</strong>" + (p.address ? "<br>" + text(p.address) : "") +
        (p.hours ? "<br>" + text(p.hours) : ""));
      marker.addTo(all);
    });
    var bounds = all.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10], maxZoom: 17 }); }
    window.addEventListener("beforeprint", function () { map.invalidateSize(); });
    return map;
  }

  function setupCircle(el) {
    var data = readData(el);
    if (!data) { return; }
    draw(el, data);
    el.dataset.ready = "true";
  }

  function setupPick(el) {
    var data = readData(el);
    if (!data) { return; }
    var latInput = document.getElementById(el.dataset.lat);
    var lngInput = document.getElementById(el.dataset.lng);
    var map = draw(el, data);
    var pin = null;
    function place(lat, lng, pan) {
      var shown = toDisplay(lat, lng, data);
      if (pin) { pin.setLatLng(shown); } else {
        pin = L.marker(shown, { icon: L.divIcon({ className: "pick-pin", iconSize: [18, 18] }) }).addTo(map);
      }
      if (pan) { map.setView(shown, Math.max(map.getZoom(), 16)); }
    }
    function fill(lat, lng) {
      latInput.value = lat.toFixed(6);
      lngInput.value = lng.toFixed(6);
      place(lat, lng, false);
    }
    if (latInput.value && lngInput.value) { place(parseFloat(latInput.value), parseFloat(lngInput.value), true); }
    map.on("click", function (event) {
      var wgs = fromDisplay(event.latlng.lat, event.latlng.lng, data);
      fill(wgs[0], wgs[1]);
    });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var lat = parseFloat(latInput.value), lng = parseFloat(lngInput.value);
        if (isFinite(lat) && isFinite(lng)) { place(lat, lng, true); }
      });
    });
    var locate = document.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          fill(position.coords.latitude, position.coords.longitude);
          map.setView(toDisplay(position.coords.latitude, position.coords.longitude, data), 17);
        });
      });
    } else if (locate) { locate.hidden = true; }
    el.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    if (!window.L) { return; }
    document.querySelectorAll(".circle-map").forEach(setupCircle);
    document.querySelectorAll(".point-pick-map").forEach(setupPick);
  });
})();
