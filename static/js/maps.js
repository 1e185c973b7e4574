/* What every map page shares, loaded after leaflet.js (and gcoord where the tiles may be GCJ-02)
 * and before the page's own map script:
 *
 * - Leaflet's own words (the zoom buttons' titles) in the page's language, from Django's
 *   JavaScript catalogue (/jsi18n/);
 * - window.ccMaps: reading a map's JSON (json_script: no inline scripts), escaping text for a
 *   popup or tooltip, and the conversion of our WGS-84 data for GCJ-02 tiles (Amap, Tencent)
 *   with gcoord, and of a tapped point back.
 */
(function () {
  "use strict";
  if (window.L && typeof window.gettext === "function") {
    L.Control.Zoom.prototype.options.zoomInTitle = gettext("Zoom in");
    L.Control.Zoom.prototype.options.zoomOutTitle = gettext("Zoom out");
  }

  function gcj(crs) { return crs === "GCJ02" && window.gcoord; }

  function convert(lat, lng, from, to) {
    var p = window.gcoord.transform([lng, lat], from, to);
    return [p[1], p[0]];
  }

  window.ccMaps = {
    /* The JSON of the <script type="application/json"> with this id (null when missing or bad). */
    read: function (id) {
      var holder = document.getElementById(id);
      if (!holder) { return null; }
      try { return JSON.parse(holder.textContent); } catch (e) { return null; }
    },
    /* The JSON a map element names in its data-source. */
    readData: function (el) { return window.ccMaps.read(el.dataset.source); },
    /* Text made safe for Leaflet's HTML popups and tooltips. */
    text: function (value) {
      var span = document.createElement("span");
      span.textContent = value == null ? "" : String(value);
      return span.innerHTML;
    },
    /* A WGS-84 point [lat, lng] as the tiles draw it. */
    toDisplay: function (lat, lng, crs) {
      return gcj(crs) ? convert(lat, lng, window.gcoord.WGS84, window.gcoord.GCJ02) : [lat, lng];
    },
    /* A point tapped on the tiles, back in WGS-84. */
    fromDisplay: function (lat, lng, crs) {
      return gcj(crs) ? convert(lat, lng, window.gcoord.GCJ02, window.gcoord.WGS84) : [lat, lng];
    },
    /* A WGS-84 GeoJSON geometry as the tiles draw it (a copy; gcoord converts GeoJSON whole). */
    shapeToDisplay: function (geometry, crs) {
      if (!gcj(crs)) { return geometry; }
      return window.gcoord.transform(JSON.parse(JSON.stringify(geometry)), window.gcoord.WGS84, window.gcoord.GCJ02);
    }
  };
})();
