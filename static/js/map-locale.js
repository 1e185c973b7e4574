/* Leaflet's own words (the zoom buttons' titles) in the page's language, from Django's JavaScript
   catalogue (/jsi18n/). Loaded after leaflet.js and before the page's map script. */
(function () {
  "use strict";
  if (!window.L || typeof window.gettext !== "function") return;
  L.Control.Zoom.prototype.options.zoomInTitle = gettext("Zoom in");
  L.Control.Zoom.prototype.options.zoomOutTitle = gettext("Zoom out");
})();
