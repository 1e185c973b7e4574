/* Filling in a questionnaire door to door, on a phone that may lose its connection.

   The answers typed so far are kept in localStorage (the draft) until the response is saved.
   "Save and send" turns the draft into a response with an id made here (crypto.randomUUID),
   puts it in a queue kept in localStorage and sends the queue, one response at a time. A response
   that could not be sent stays queued ("saved on this phone, will send") and is sent again when
   the phone is back online (the "online" event) or the page is opened again; the server answers
   a resent id with the response it already has, so nothing is counted twice. */
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var fmt = window.interpolate || function (s, a) { return s.replace("%s", a[0]); };
  var dataNode = document.getElementById("survey-data");
  var form = document.getElementById("survey-form");
  if (!dataNode || !form) { return; }
  var data = JSON.parse(dataNode.textContent);
  var QUEUE = "chuangcheng.surveys.queue";
  var DRAFT = "chuangcheng.surveys.draft." + data.round;
  var statusBox = document.getElementById("survey-status");
  var queueBox = document.getElementById("survey-queue");
  var errorsBox = document.getElementById("survey-errors");
  var grid = document.getElementById("survey-grid");
  var sending = false;

  function read(key, fallback) {
    try { var v = window.localStorage.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage full or off: the form still works */ }
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) { window.crypto.getRandomValues(bytes); }
    else { for (var i = 0; i < 16; i++) { bytes[i] = Math.floor(Math.random() * 256); } }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function show(kind, text) {
    statusBox.hidden = false;
    statusBox.className = "survey-status " + kind;
    statusBox.textContent = text;
  }

  function showQueue() {
    var mine = read(QUEUE, []).filter(function (item) { return item.round === data.round; }).length;
    queueBox.hidden = mine === 0;
    queueBox.textContent = fmt(gettext("Waiting to be sent from this phone: %s"), [mine]);
    queueBox.setAttribute("data-count", String(mine));
  }

  function collect() {
    var answers = {};
    data.questions.forEach(function (q) {
      var name = "q" + q.id;
      if (q.kind === "text") {
        var text = form.elements[name].value.trim();
        if (text) { answers[q.id] = text; }
      } else {
        var chosen = Array.prototype.filter.call(form.querySelectorAll("input[name='" + name + "']"), function (i) { return i.checked; })
          .map(function (i) { return i.value; });
        if (chosen.length) { answers[q.id] = chosen; }
      }
    });
    return { grid: grid.value, answers: answers };
  }

  function fillIn(draft) {
    if (!draft) { return; }
    grid.value = draft.grid || "";
    data.questions.forEach(function (q) {
      var value = (draft.answers || {})[q.id];
      var name = "q" + q.id;
      if (q.kind === "text") { form.elements[name].value = value || ""; return; }
      Array.prototype.forEach.call(form.querySelectorAll("input[name='" + name + "']"), function (i) {
        i.checked = Array.isArray(value) && value.indexOf(i.value) >= 0;
      });
    });
  }

  function saveDraft() { write(DRAFT, collect()); }

  function showErrors(messages) {
    errorsBox.innerHTML = "";
    if (!messages.length) { errorsBox.hidden = true; return; }
    var list = document.createElement("ul");
    messages.forEach(function (m) { var li = document.createElement("li"); li.textContent = m; list.appendChild(li); });
    errorsBox.appendChild(list);
    errorsBox.hidden = false;
    errorsBox.scrollIntoView({ block: "center" });
  }

  function missing(current) {
    var out = [];
    if (!current.grid) { out.push(gettext("Choose the grid cell.")); }
    data.questions.forEach(function (q) {
      if (q.required && current.answers[q.id] === undefined) { out.push(fmt(gettext("Question %s needs an answer."), [q.order])); }
    });
    return out;
  }

  function csrf() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function flush() {
    if (sending) { return Promise.resolve(); }
    var queue = read(QUEUE, []);
    if (!queue.length) { showQueue(); return Promise.resolve(); }
    sending = true;
    var item = queue[0];
    return fetch(item.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(item.body)
    }).then(function (response) {
      sending = false;
      if (response.status >= 500) { throw new Error("server"); }
      if (response.status === 401 || response.status === 403) {
        // Logged out (or the page is stale): keep everything on the phone until the person logs in again.
        show("failed", gettext("Log in again to send; the answers stay on this phone."));
        showQueue();
        return;
      }
      var rest = read(QUEUE, []).filter(function (other) { return other.body.client_id !== item.body.client_id; });
      write(QUEUE, rest);
      if (response.ok) {
        show("sent", gettext("Sent."));
        showQueue();
        return flush();
      }
      return response.json().catch(function () { return {}; }).then(function (body) {
        var messages = [];
        Object.keys(body).forEach(function (key) { messages = messages.concat(body[key]); });
        if (item.round === data.round && response.status === 400) {
          // Back into the form to be put right: the draft is the answers as they were.
          fillIn(item.body);
          saveDraft();
        }
        show("failed", gettext("Not saved:") + " " + (messages.join(" ") || response.status));
        showErrors(messages.map(String));
        showQueue();
        return flush();
      });
    }).catch(function () {
      sending = false;
      show("queued", gettext("Saved on this phone; it will be sent when the connection is back."));
      showQueue();
    });
  }

  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var current = collect();
    var problems = missing(current);
    showErrors(problems);
    if (problems.length) { return; }
    var queue = read(QUEUE, []);
    queue.push({
      round: data.round,
      endpoint: data.endpoint,
      body: { client_id: uuid(), grid: current.grid, answers: current.answers, answered_at: new Date().toISOString() }
    });
    write(QUEUE, queue);
    // The next household starts from an empty form in the same grid cell.
    form.reset();
    grid.value = current.grid;
    write(DRAFT, { grid: current.grid, answers: {} });
    show("queued", gettext("Saved on this phone; it will be sent when the connection is back."));
    showQueue();
    window.scrollTo(0, 0);
    if (navigator.onLine !== false) { flush(); }
  });
  window.addEventListener("online", flush);
  window.setInterval(function () { if (navigator.onLine !== false) { flush(); } }, 30000);

  // The grid cell from the phone's location: the cell that contains it, else the nearest.
  function inRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }
  function polygons(boundary) {
    if (!boundary) { return []; }
    return boundary.type === "MultiPolygon" ? boundary.coordinates : [boundary.coordinates];
  }
  function locate(lng, lat) {
    var best = null, bestDistance = Infinity;
    data.cells.forEach(function (cell) {
      polygons(cell.boundary).forEach(function (polygon) {
        var outer = polygon[0] || [];
        if (inRing(lng, lat, outer) && !polygon.slice(1).some(function (hole) { return inRing(lng, lat, hole); })) {
          best = cell; bestDistance = -1;
        }
        if (bestDistance < 0) { return; }
        var sx = 0, sy = 0;
        outer.forEach(function (p) { sx += p[0]; sy += p[1]; });
        var d = Math.pow(sx / outer.length - lng, 2) + Math.pow(sy / outer.length - lat, 2);
        if (d < bestDistance) { best = cell; bestDistance = d; }
      });
    });
    return { cell: best, inside: bestDistance < 0 };
  }
  var locateButton = document.getElementById("survey-locate");
  if (!navigator.geolocation) { locateButton.hidden = true; }
  locateButton.addEventListener("click", function () {
    show("queued", gettext("Finding your location…"));
    navigator.geolocation.getCurrentPosition(function (position) {
      var found = locate(position.coords.longitude, position.coords.latitude);
      if (!found.cell) { show("failed", gettext("No grid cell found; choose it from the list.")); return; }
      grid.value = found.cell.code;
      saveDraft();
      show("sent", fmt(found.inside ? gettext("You are in %s.") : gettext("Nearest grid cell: %s. Check it."), [found.cell.name]));
    }, function () {
      show("failed", gettext("The location is not available; choose the grid cell from the list."));
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  fillIn(read(DRAFT, null));
  showQueue();
  if (navigator.onLine !== false) { flush(); }
}());
