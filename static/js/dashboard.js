/* The leaders' dashboard: charts with Apache ECharts, the map with Leaflet (and gcoord).
 *
 * Data comes from <script type="application/json"> blocks (json_script): no inline scripts.
 * The map draws grid cells shaded by their open and overdue findings, and street outlines;
 * tiles are optional. Our data is WGS-84; when the tiles use GCJ-02 (Amap, Tencent), every
 * shape is converted with gcoord before it is drawn, so it lands on the right street.
 */
(function () {
  "use strict";
  var maps = window.ccMaps, read = maps.read, text = maps.text;

  var COLOURS = ["#c8102e", "#0b57d0", "#1a7f37", "#9a6700", "#6e40c9", "#953800", "#57606a", "#0550ae"];

  function chartOptions(name, data) {
    var t = data.text || {};
    if (name === "series") {
      return {
        color: ["#0b57d0", "#1a7f37", "#c8102e"],
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 12, top: 32, bottom: 28 },
        xAxis: { type: "category", data: data.series.days.map(function (d) { return d.slice(5); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: t.reported, type: "line", smooth: true, data: data.series.reported },
          { name: t.closed, type: "line", smooth: true, data: data.series.closed },
          { name: t.overdue, type: "bar", data: data.series.overdue }
        ]
      };
    }
    if (name === "sources") {
      return {
        color: COLOURS,
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["35%", "70%"], data: data.sources, label: { formatter: "{b}\n{c}" } }]
      };
    }
    if (name === "categories" || name === "actionLines") {
      var rows = (data[name] || []).slice().reverse();
      return {
        color: [name === "categories" ? "#0b57d0" : "#c8102e"],
        tooltip: { trigger: "axis" },
        grid: { left: 110, right: 16, top: 8, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { width: 100, overflow: "truncate" } },
        series: [{ type: "bar", data: rows.map(function (r) { return r.value; }) }]
      };
    }
    if (name === "scoreTrend") {
      var names = Object.keys(data.scoreTrend || {});
      return {
        color: COLOURS,
        tooltip: { trigger: "axis" },
        legend: { top: 0, type: "scroll" },
        grid: { left: 40, right: 12, top: 32, bottom: 28 },
        xAxis: { type: "time" },
        yAxis: { type: "value", min: 0, max: 100, name: t.score },
        series: names.map(function (n) { return { name: n, type: "line", data: data.scoreTrend[n] }; })
      };
    }
    return null;
  }

  function setupCharts() {
    var data = read("dashboard-charts");
    if (!data || !window.echarts) { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var options = chartOptions(el.dataset.chart, data);
      if (!options) { return; }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(options);
      el.dataset.ready = "true";
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  function setupMap() {
    var el = document.querySelector(".dash-map");
    var data = read("dashboard-map");
    if (!el || !data || !window.L) { return; }
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.5 });
    var centre = data.center;
    centre = maps.toDisplay(centre[0], centre[1], data.crs);
    map.setView(centre, 13);
    if (data.tiles) { L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map); }
    var all = L.featureGroup().addTo(map);
    (data.cells || []).forEach(function (cell) {
      if (!cell.boundary) { return; }
      var fill = cell.overdue ? "#fa5252" : (cell.open ? "#ffc078" : "#e6f4ea");
      var layer = L.geoJSON(maps.shapeToDisplay(cell.boundary, data.crs), {
        style: { color: "#57606a", weight: 1, fillColor: fill, fillOpacity: cell.open ? 0.65 : 0.35, className: "grid-cell" }
      });
      layer.bindTooltip(text(cell.name) + " · " + text(data.text.open) + " " + cell.open + " · " + text(data.text.overdue) + " " + cell.overdue);
      layer.on("click", function () {
        window.location.href = data.listUrl + "?grid=" + encodeURIComponent(cell.code) + (cell.overdue ? "&overdue=true" : "");
      });
      layer.addTo(all);
    });
    (data.streets || []).forEach(function (street) {
      L.geoJSON(maps.shapeToDisplay(street.boundary, data.crs), {
        style: { color: "#c8102e", weight: 2, fill: false, interactive: false, className: "street-outline" }
      }).addTo(map);
    });
    var bounds = all.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8] }); }
    el.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    setupCharts();
    setupMap();
  });
})();
