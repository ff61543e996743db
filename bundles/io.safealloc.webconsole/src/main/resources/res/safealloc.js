/*
 * SafeAlloc Web Console page: polls the plugin's JSON every second and draws, on a plain canvas,
 * the bytes in use per bundle (stacked) against the global limit and the warning threshold over
 * the history the gateway keeps; fills the tables; sets the limit through the plugin.
 * No library, nothing loaded from outside the bundle.
 * window.safeAllocPage exposes the last data and an update counter (the browser test reads them).
 */
(function () {
  'use strict';
  var page = document.getElementById('sa-page');
  var canvas = document.getElementById('sa-chart');
  var PERIOD_MS = 1000;
  var COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
  var state = window.safeAllocPage = { updates: 0, last: null, error: null };

  function human(bytes) {
    if (bytes < 1024) { return bytes + ' B'; }
    var units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
    var value = bytes, i = -1;
    do { value /= 1024; i++; } while (value >= 1024 && i < units.length - 1);
    return value.toFixed(1) + ' ' + units[i];
  }

  function cell(row, text, numeric) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (numeric) { td.className = 'num'; }
    row.appendChild(td);
    return td;
  }

  function fill(tableId, items, render) {
    var body = document.querySelector('#' + tableId + ' tbody');
    var rows = document.createDocumentFragment();
    items.forEach(function (item, i) { rows.appendChild(render(item, i)); });
    body.replaceChildren(rows);
  }

  function colorOf(name, names) {
    return COLORS[names.indexOf(name) % COLORS.length];
  }

  function draw(data) {
    var ctx = canvas.getContext('2d');
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth || canvas.width, height = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(width * ratio)) { canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio); }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    var h = data.history, n = h.times.length;
    var names = Object.keys(h.bundles).sort();
    var left = 70, right = 10, top = 10, bottom = 24;
    var plotW = width - left - right, plotH = height - top - bottom;
    var max = 1;
    for (var i = 0; i < n; i++) { max = Math.max(max, h.inUse[i], h.limit[i], h.warnThreshold[i]); }
    max *= 1.1;
    var t0 = n ? h.times[0] : data.time, t1 = n ? h.times[n - 1] : data.time;
    var span = Math.max(1000, t1 - t0);
    function x(t) { return left + plotW * (t - t0) / span; }
    function y(v) { return top + plotH * (1 - v / max); }

    ctx.font = '11px sans-serif';
    ctx.strokeStyle = '#e0e0e0'; ctx.fillStyle = '#555'; ctx.lineWidth = 1;
    for (var g = 0; g <= 4; g++) {
      var v = max * g / 4;
      ctx.beginPath(); ctx.moveTo(left, y(v)); ctx.lineTo(left + plotW, y(v)); ctx.stroke();
      ctx.fillText(human(Math.round(v)), 2, y(v) + 4);
    }
    ctx.fillText(Math.round(span / 1000) + ' s', left, height - 6);
    ctx.fillText('now', left + plotW - 22, height - 6);

    // Stacked areas: each bundle on top of the ones before it.
    var base = new Array(n).fill(0);
    names.forEach(function (name) {
      var values = h.bundles[name];
      if (!n) { return; }
      ctx.beginPath();
      ctx.moveTo(x(h.times[0]), y(base[0] + values[0]));
      for (var i = 1; i < n; i++) { ctx.lineTo(x(h.times[i]), y(base[i] + values[i])); }
      for (var j = n - 1; j >= 0; j--) { ctx.lineTo(x(h.times[j]), y(base[j])); }
      ctx.closePath();
      ctx.globalAlpha = 0.55; ctx.fillStyle = colorOf(name, names); ctx.fill(); ctx.globalAlpha = 1;
      for (var k = 0; k < n; k++) { base[k] += values[k]; }
    });

    function line(values, color, dash) {
      if (!n) { return; }
      ctx.beginPath(); ctx.setLineDash(dash); ctx.strokeStyle = color; ctx.lineWidth = 2;
      var started = false;
      for (var i = 0; i < n; i++) {
        if (values[i] <= 0) { started = false; continue; } // 0 = no limit: nothing to draw
        if (started) { ctx.lineTo(x(h.times[i]), y(values[i])); } else { ctx.moveTo(x(h.times[i]), y(values[i])); started = true; }
      }
      ctx.stroke(); ctx.setLineDash([]);
    }
    line(h.inUse, '#333', []);
    line(h.warnThreshold, '#f9a825', [6, 4]);
    line(h.limit, '#c62828', [2, 0]);

    var legend = document.getElementById('sa-legend');
    legend.replaceChildren();
    names.map(function (name) { return [name, colorOf(name, names)]; })
      .concat([['in use (all bundles)', '#333'], ['warning threshold', '#f9a825'], ['limit', '#c62828']])
      .forEach(function (entry) {
        var span = document.createElement('span');
        var swatch = document.createElement('i');
        swatch.style.background = entry[1];
        span.appendChild(swatch);
        span.appendChild(document.createTextNode(entry[0]));
        legend.appendChild(span);
      });
  }

  function render(data) {
    var g = data.global;
    var figures = document.getElementById('sa-global');
    figures.textContent = 'In use ' + human(g.inUse) + ' (' + g.inUse + ' bytes) · peak ' + human(g.peak)
      + ' · limit ' + (g.limit > 0 ? human(g.limit) + ' (' + g.limit + ' bytes)' : 'none')
      + ' · warning at ' + (g.warnThreshold > 0 ? human(g.warnThreshold) : 'never')
      + ' · ' + g.live + ' live allocations';
    figures.setAttribute('data-in-use', g.inUse);
    figures.setAttribute('data-limit', g.limit);

    fill('sa-bundles', data.bundles, function (b) {
      var row = document.createElement('tr');
      row.setAttribute('data-bundle', b.name);
      row.setAttribute('data-in-use', b.inUse);
      if (b.limit > 0 && b.inUse > b.limit) { row.className = 'sa-over'; }
      cell(row, b.name); cell(row, b.id, true); cell(row, human(b.inUse), true); cell(row, human(b.peak), true);
      cell(row, b.limit > 0 ? human(b.limit) : '-', true); cell(row, b.live, true);
      return row;
    });
    fill('sa-handlers', data.handlers, function (hd, i) {
      var row = document.createElement('tr');
      cell(row, i + 1, true); cell(row, hd.ranking, true); cell(row, hd.serviceId, true); cell(row, hd.bundle);
      cell(row, hd.description ? hd.description : hd.className);
      return row;
    });
    fill('sa-events', data.events, function (e) {
      var row = document.createElement('tr');
      cell(row, new Date(e.time).toLocaleTimeString()); cell(row, e.topic); cell(row, e.cause);
      cell(row, e.size >= 0 ? human(e.size) : '', true); cell(row, e.decision); cell(row, e.bundle);
      return row;
    });
    fill('sa-leaks', data.leaks, function (l) {
      var row = document.createElement('tr');
      row.setAttribute('data-bundle', l.bundle);
      cell(row, l.bundle); cell(row, l.bundleId, true); cell(row, l.count, true); cell(row, human(l.bytes), true);
      cell(row, human(l.largest), true);
      return row;
    });
    draw(data);
  }

  function poll() {
    fetch(page.getAttribute('data-data'), { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(function (data) {
        state.last = data; state.error = null; state.updates++;
        render(data);
      })
      .catch(function (error) { state.error = String(error); })
      .finally(function () { window.setTimeout(poll, PERIOD_MS); });
  }

  document.getElementById('sa-limit-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var result = document.getElementById('sa-limit-result');
    var body = new URLSearchParams();
    body.set(document.getElementById('sa-limit-input').name, document.getElementById('sa-limit-input').value);
    result.className = ''; result.textContent = 'setting…';
    fetch(page.getAttribute('data-limit'), { method: 'POST', credentials: 'same-origin', body: body })
      .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, data: data }; }); })
      .then(function (answer) {
        result.className = answer.ok ? 'ok' : 'error';
        result.textContent = answer.ok ? 'limit set to ' + human(answer.data.limit) + ' (' + answer.data.outcome.toLowerCase() + ')'
          : answer.data.error;
      })
      .catch(function (error) { result.className = 'error'; result.textContent = String(error); });
  });

  poll();
}());
