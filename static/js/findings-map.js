/* Maps of the findings pages, drawn with Leaflet from JSON embedded by json_script.
 *
 * .finding-map  one finding: its point and its grid cell's polygon.
 * .battle-map   挂图作战: grid cells shaded by their open findings, open findings as dots.
 *
 * Tiles are optional (settings.MAP_TILES_URL): without them polygons and markers are drawn on a
 * blank ground, so the maps work on an intranet whose tile server is down. No inline scripts:
 * each map element names the <script type="application/json"> that holds its data.
 */
(function () {
  "use strict";
  var readData = window.ccMaps.readData, text = window.ccMaps.text;

  function baseMap(el, data) {
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.5 });
    map.setView(data.center || [36.651, 116.992], 13);
    if (data.tiles) { L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map); }
    return map;
  }

  function setupFinding(el) {
    var data = readData(el);
    if (!data) { return; }
    var map = baseMap(el, data);
    var bounds = null;
    if (data.cell) {
      var cell = L.geoJSON(data.cell, { style: { color: "#c8102e", weight: 2, fillOpacity: 0.08 } }).addTo(map);
      if (data.cellName) { cell.bindTooltip(text(data.cellName)); }
      bounds = cell.getBounds();
    }
    if (data.point) {
      L.circleMarker(data.point, {
        radius: 9, color: "#fff", weight: 2, fillColor: "#c8102e", fillOpacity: 1
      }).addTo(map);
      if (bounds) { bounds.extend(data.point); } else { map.setView(data.point, 17); }
    }
    if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16], maxZoom: 18 }); }
  }

  function shade(count, shades) {
    var colour = shades.length ? shades[0][1] : "#eee";
    for (var i = 0; i < shades.length; i++) {
      if (count >= shades[i][0]) { colour = shades[i][1]; }
    }
    return colour;
  }

  function setupBattle(el) {
    var data = readData(el);
    if (!data) { return; }
    var map = baseMap(el, data);
    var shades = data.shades || [];
    var all = L.featureGroup().addTo(map);

    (data.cells || []).forEach(function (cell) {
      if (!cell.boundary) { return; }
      var layer = L.geoJSON(cell.boundary, {
        style: {
          color: "#57606a", weight: 1, fillColor: shade(cell.open, shades),
          fillOpacity: cell.open ? 0.6 : 0.35
        }
      });
      layer.bindTooltip(text(cell.name) + " · " + text(data.text.open) + " " + cell.open);
      layer.addTo(all);
    });

    (data.markers || []).forEach(function (m) {
      var marker = L.circleMarker([m.lat, m.lng], {
        radius: 6, color: "#fff", weight: 1.5, fillOpacity: 0.95,
        fillColor: m.overdue ? "#cf222e" : "#0b57d0"
      });
      var url = data.detailUrl.replace("__code__", encodeURIComponent(m.code));
      marker.bindPopup(
        '<a href="' + text(url) + '"><strong>' + text(m.code) + "</strong></a><br>" +
        text(m.category) + " · " + text(data.statuses[m.status] || m.status) +
        (m.overdue ? ' · <span class="late">' + text(data.text.overdue) + "</span>" : "") +
        (m.address ? "<br>" + text(m.address) : "")
      );
      marker.addTo(all);
    });

    var bounds = all.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12], maxZoom: 17 }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) { return; }
    document.querySelectorAll(".finding-map").forEach(setupFinding);
    document.querySelectorAll(".battle-map").forEach(setupBattle);
  });
})();
