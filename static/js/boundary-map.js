/* Draws the GeoJSON boundary of the textarea next to it on a Leaflet map, as it is edited. */
(function () {
  "use strict";
  function setup(el) {
    var input = document.getElementById(el.dataset.for);
    if (!input || !window.L) { return; }
    var map = L.map(el, { attributionControl: false }).setView([36.651, 116.992], 12);
    if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map); }
    var layer = null;
    function draw() {
      if (layer) { map.removeLayer(layer); layer = null; }
      var text = input.value.trim();
      if (!text) { return; }
      try {
        var data = JSON.parse(text);
        layer = L.geoJSON(data, { style: { color: "#c8102e", weight: 2, fillOpacity: 0.15 } }).addTo(map);
        map.fitBounds(layer.getBounds(), { maxZoom: 18 });
      } catch (e) { /* not valid JSON yet: the form's validation will say so */ }
    }
    input.addEventListener("change", draw);
    draw();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".boundary-map").forEach(setup);
  });
})();
