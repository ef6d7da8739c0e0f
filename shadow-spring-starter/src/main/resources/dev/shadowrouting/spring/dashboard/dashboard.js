/* shadow-routing dashboard: polls the Actuator endpoint "shadow" every second. No build step. */
(function () {
  'use strict';

  var ENDPOINT_URL = document.body.getAttribute('data-endpoint-url');
  var POLL_MS = 1000;
  var HISTORY = 300; // points per chart: 5 minutes at one poll a second
  var PALETTE = ['#2563eb', '#9333ea', '#ea580c', '#0891b2', '#16a34a', '#db2777', '#854d0e', '#4b5563'];

  var state = { doc: null, access: 'READ_ONLY', charts: {}, history: {}, tests: {}, busy: false };
  var main = document.getElementById('endpoints');
  document.getElementById('source').textContent = ENDPOINT_URL;

  // ---- formatting ---------------------------------------------------------------------------
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function int(n) { return n == null ? '–' : Number(n).toLocaleString('en-US'); }
  function pct(x, digits) {
    if (x == null) return '–';
    return (x * 100).toFixed(digits == null ? 2 : digits) + '%';
  }
  function nanos(ns) {
    if (ns == null) return '–';
    if (ns < 1e3) return ns + ' ns';
    if (ns < 1e6) return (ns / 1e3).toFixed(ns < 1e4 ? 2 : 1) + ' µs';
    if (ns < 1e9) return (ns / 1e6).toFixed(ns < 1e7 ? 2 : 1) + ' ms';
    return (ns / 1e9).toFixed(2) + ' s';
  }
  function millis(ms) {
    var s = Math.round(ms / 1000);
    if (s < 60) return s + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + (s % 60) + ' s';
    var h = Math.floor(m / 60);
    if (h < 48) return h + ' h ' + (m % 60) + ' min';
    return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  }
  function stat(field, label, value, shown, cls) {
    return '<div class="' + (cls || '') + '"><dt>' + esc(label) + '</dt><dd data-field="' + field +
      '" data-value="' + esc(value == null ? '' : value) + '">' + shown + '</dd></div>';
  }

  // ---- banners ------------------------------------------------------------------------------
  function show(id, html, cls) {
    var el = document.getElementById(id);
    if (html == null) { el.hidden = true; el.innerHTML = ''; return; }
    el.innerHTML = html;
    if (cls) el.className = 'banner ' + cls;
    el.hidden = false;
  }
  function connection(ok, text) {
    var el = document.getElementById('live');
    el.textContent = text;
    el.className = 'pill ' + (ok ? 'pill-ok' : 'pill-bad');
  }

  // ---- polling ------------------------------------------------------------------------------
  function poll() {
    fetch(ENDPOINT_URL, { headers: { 'Accept': 'application/json' }, cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) {
        if (!r.ok) {
          var err = new Error('HTTP ' + r.status);
          err.status = r.status;
          throw err;
        }
        return r.json();
      })
      .then(function (doc) {
        state.doc = doc;
        state.access = doc.access;
        show('problem', null);
        connection(true, 'live');
        document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
        if (doc.access !== 'UNRESTRICTED') {
          show('access-note', 'Read-only: starting, stopping, promoting and discarding tests are hidden. To allow them, set ' +
            '<code>management.endpoint.shadow.access=unrestricted</code> (and protect the endpoint: Actuator security applies).',
            'banner-info');
        } else {
          show('access-note', null);
        }
        render(doc, true);
      })
      .catch(function (e) {
        connection(false, 'unreachable');
        var base = 'The actuator endpoint <code>' + esc(ENDPOINT_URL) + '</code> is not reachable';
        var hint;
        if (e.status === 404) {
          hint = ': set <code>management.endpoints.web.exposure.include=shadow</code> (and make sure ' +
            '<code>management.endpoint.shadow.access</code> is not <code>none</code>).';
        } else if (e.status === 401 || e.status === 403) {
          hint = ' (HTTP ' + e.status + '): Actuator security applies: sign in, or allow this user to read ' +
            '<code>' + esc(ENDPOINT_URL) + '</code>.';
        } else if (e.status) {
          hint = ' (HTTP ' + e.status + ').';
        } else {
          hint = ': the application does not answer (is it running? with <code>management.server.port</code> ' +
            'the endpoint is on another port). Set <code>management.endpoints.web.exposure.include=shadow</code>.';
        }
        show('problem', base + hint, 'banner-error');
      })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  // ---- rendering ----------------------------------------------------------------------------
  function render(doc, record) {
    var names = Object.keys(doc.endpoints || {});
    if (names.length === 0) {
      main.innerHTML = '<p class="empty">No endpoints: configure <code>shadow-routing.endpoints</code>.</p>';
      return;
    }
    var seen = {};
    names.forEach(function (name) {
      seen[name] = true;
      var section = main.querySelector('section[data-endpoint="' + cssEsc(name) + '"]');
      if (!section) {
        section = document.createElement('section');
        section.className = 'endpoint';
        section.setAttribute('data-endpoint', name);
        section.innerHTML = '<h2>' + esc(name) + '</h2><div class="meta"></div><div class="variants"></div>' +
          '<div class="chart"><h4>Latency p50 / p99 (ms, last 30 s)</h4><div class="plot"></div></div><div class="tests"></div>' +
          '<div class="start-form" hidden></div>';
        main.appendChild(section);
      }
      renderEndpoint(section, name, doc.endpoints[name], record);
    });
    Array.prototype.slice.call(main.querySelectorAll('section.endpoint')).forEach(function (s) {
      if (!seen[s.getAttribute('data-endpoint')]) s.remove();
    });
    var empty = main.querySelector('p.empty');
    if (empty) empty.remove();
  }

  function cssEsc(s) { return String(s).replace(/["\\]/g, '\\$&'); }

  function renderEndpoint(section, name, ep, record) {
    var pool = ep.pool || {};
    section.querySelector('.meta').innerHTML = 'queue <b data-field="queueDepth">' + int(pool.queueDepth) + '</b> / ' +
      int(pool.queueCapacity) + ' · pool threads ' + int(pool.liveThreads) +
      (pool.abandonedThreads ? ' · <span class="bad-num">' + int(pool.abandonedThreads) + ' abandoned</span>' : '') +
      ' · sinks ' + (Object.keys(ep.sinks || {}).map(esc).join(', ') || 'none') +
      (ep.fleet ? ' · fleet: instance <b data-field="instanceId">' + esc(ep.fleet.instanceId) + '</b>' +
        (ep.fleet.commands ? ', operations go to every instance' : ', operations act on this instance alone') : '');
    var tiles = [];
    Object.keys(ep.variants).forEach(function (vn) {
      var v = ep.variants[vn];
      if (!v.active && !v.testCandidate) return; // removed variants live on in their test's report
      tiles.push(variantTile(vn, v));
    });
    section.querySelector('.variants').innerHTML = tiles.join('');
    chart(section, name, ep, record);
    renderTests(section, name, ep);
    renderForm(section, name, ep);
  }

  function variantTile(name, v) {
    var production = v.role === 'PRODUCTION';
    var lat = v.latency || {};
    var cfg = v.config || {};
    var ai = v.agreementInterval;
    var agreement = production ? '–' : pct(v.agreement) +
      (ai ? '<span class="ci">95% CI ' + pct(ai.lower, 1) + ' – ' + pct(ai.upper, 1) + '</span>' : '');
    var role = production ? 'production' + (cfg.weight != null && cfg.weight !== 1 ? ' · weight ' + cfg.weight : '')
      : (v.testCandidate ? 'test candidate' : 'shadow') + (cfg.samplingRate != null ? ' · ' + pct(cfg.samplingRate, 0) + ' sampled' : '');
    return '<article class="variant ' + (production ? 'production' : 'shadow') + (v.active ? '' : ' inactive') +
      '" data-variant="' + esc(name) + '">' +
      '<h3><span>' + esc(name) + '</span><span class="role" data-field="role" data-value="' + esc(v.role) + '">' + esc(role) + '</span></h3>' +
      '<dl class="stats">' +
      stat('invocations', 'calls', v.invocations, int(v.invocations)) +
      stat('p50Nanos', 'p50', lat.p50Nanos, nanos(lat.p50Nanos)) +
      stat('errorRate', 'errors', v.errorRate, pct(v.errorRate), v.errors ? 'bad-num' : '') +
      stat('p99Nanos', 'p99', lat.p99Nanos, nanos(lat.p99Nanos)) +
      stat('timeoutRate', 'timeouts', v.timeoutRate, pct(v.timeoutRate), v.timeouts ? 'bad-num' : '') +
      stat('rejected', 'rejected', v.rejected, int(v.rejected) + (v.rejectedRate ? ' <span class="muted">(' + pct(v.rejectedRate, 1) + ')</span>' : '')) +
      stat('agreement', 'agreement', v.agreement, agreement, 'wide') +
      '</dl></article>';
  }

  // ---- the latency chart (uPlot) ------------------------------------------------------------
  function chart(section, name, ep, record) {
    var h = state.history[name] || (state.history[name] = { t: [], series: {} });
    if (record || h.t.length === 0) record = true;
    if (record) h.t.push(Date.now() / 1000);
    var active = Object.keys(ep.variants).filter(function (vn) { return ep.variants[vn].active; });
    active.forEach(function (vn) {
      if (!h.series[vn]) {
        var past = h.t.slice(0, record ? -1 : h.t.length);
        h.series[vn] = { p50: past.map(function () { return null; }), p99: past.map(function () { return null; }) };
      }
    });
    if (record) Object.keys(h.series).forEach(function (vn) {
      var v = ep.variants[vn];
      // the recent window (about the last 30 s), so the chart moves when latency does; the
      // cumulative percentiles flatten out over a long run
      var recent = v && v.active && v.recentLatency && v.recentLatency.count > 0;
      h.series[vn].p50.push(recent ? v.recentLatency.p50Nanos / 1e6 : null);
      h.series[vn].p99.push(recent ? v.recentLatency.p99Nanos / 1e6 : null);
    });
    if (h.t.length > HISTORY) {
      h.t.shift();
      Object.keys(h.series).forEach(function (vn) { h.series[vn].p50.shift(); h.series[vn].p99.shift(); });
    }
    var names = Object.keys(h.series);
    var data = [h.t];
    names.forEach(function (vn) { data.push(h.series[vn].p50); data.push(h.series[vn].p99); });
    var box = section.querySelector('.plot');
    var width = Math.max(260, box.clientWidth || section.clientWidth - 36);
    var key = names.join('|');
    var c = state.charts[name];
    if (typeof uPlot === 'undefined') {
      box.innerHTML = '<p class="muted">The chart library did not load.</p>';
      return;
    }
    if (!c || c.key !== key) {
      if (c) c.plot.destroy();
      var series = [{}];
      names.forEach(function (vn, i) {
        var color = PALETTE[i % PALETTE.length];
        series.push({ label: vn + ' p50', stroke: color, width: 2, spanGaps: false, value: fmtMs, points: { show: false } });
        series.push({ label: vn + ' p99', stroke: color, width: 1.5, dash: [6, 4], spanGaps: false, value: fmtMs, points: { show: false } });
      });
      box.innerHTML = '';
      var plot = new uPlot({
        width: width, height: 220, series: series, legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        axes: [{ values: function (u, vals) { return vals.map(clock); }, space: 80, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600] }, { values: function (u, vals) { return vals.map(function (v) { return v == null ? '' : v + ' ms'; }); }, size: 70 }],
        scales: { y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.15 : 1]; } } }
      }, data, box);
      c = state.charts[name] = { plot: plot, key: key, width: width };
    } else {
      c.plot.setData(data);
    }
    if (Math.abs(c.width - width) > 2) {
      c.plot.setSize({ width: width, height: 220 });
      c.width = width;
    }
  }
  function clock(t) {
    if (t == null) return '';
    var d = new Date(t * 1000);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }
  function fmtMs(u, v) { return v == null ? '–' : v.toFixed(v < 1 ? 3 : 2) + ' ms'; }

  // ---- shadow tests -------------------------------------------------------------------------
  function renderTests(section, endpoint, ep) {
    var tests = (ep.tests || []).slice().reverse(); // newest first
    var box = section.querySelector('.tests');
    var head = '<div class="tests-head"><h4>Shadow tests</h4>' + (startable(endpoint)
      ? '<button type="button" class="primary" data-open-form="' + esc(endpoint) + '">New shadow test</button>' : '') + '</div>';
    if (tests.length === 0) {
      box.innerHTML = head + '<p class="muted" data-testid="no-tests">No shadow test yet.</p>';
      return;
    }
    var html = head;
    var shown = {};
    var keys = [];
    tests.forEach(function (t) {
      if (shown[t.candidate]) return; // the latest test of each candidate
      shown[t.candidate] = true;
      keys.push(testKey(endpoint, t));
      html += testCard(endpoint, t, ep.fleet);
    });
    box.innerHTML = html;
    tests.forEach(function (t) {
      if (keys.indexOf(testKey(endpoint, t)) >= 0) history(box, endpoint, t);
    });
    // forget the charts of tests no longer shown: the page's memory stays bounded
    Object.keys(state.tests).forEach(function (k) {
      if (k.indexOf(endpoint + '|') === 0 && keys.indexOf(k) < 0) {
        Object.keys(state.tests[k].charts).forEach(function (c) {
          if (state.tests[k].charts[c].plot) state.tests[k].charts[c].plot.destroy();
        });
        delete state.tests[k];
      }
    });
  }

  function testKey(endpoint, t) { return endpoint + '|' + t.candidate + '|' + t.startedAt; }

  function testCard(endpoint, t, fleet) {
    var running = t.status === 'RUNNING';
    var timeShare = t.durationMillis ? Math.min(1, t.elapsedMillis / t.durationMillis) : 0;
    var cand = null, prod = null;
    (t.variants || []).forEach(function (v) {
      if (v.side === 'CANDIDATE') cand = v;
      if (v.side === 'PRODUCTION' && !prod) prod = v;
    });
    var html = '<div class="test" data-candidate="' + esc(t.candidate) + '">' +
      '<div class="test-head"><strong>' + esc(t.candidate) + '</strong>' +
      '<span class="badge s-' + esc(t.status) + '" data-field="status">' + esc(t.status) + '</span>' +
      '<span class="badge v-' + esc(t.verdict) + '" data-field="verdict">' + esc(t.verdict) + '</span>' +
      (t.decision !== 'NONE' ? '<span class="badge d-' + esc(t.decision) + '" data-field="decision">' + esc(t.decision) + '</span>' : '') +
      '<span class="muted">sampling ' + pct(t.samplingRate, 0) + (t.endReason ? ' · ended: ' + esc(t.endReason) : '') + '</span></div>';
    html += '<div class="progress"><span>time</span><div class="bar"><span data-field="timeProgress" data-value="' + timeShare +
      '" style="width:' + (timeShare * 100).toFixed(1) + '%"></span></div><span>' + millis(t.elapsedMillis) + ' of ' + millis(t.durationMillis) + '</span></div>';
    if (t.maxRequests > 0) {
      var budget = Math.min(1, t.calls / t.maxRequests);
      html += '<div class="progress"><span>budget</span><div class="bar"><span data-field="budgetProgress" data-value="' + budget +
        '" style="width:' + (budget * 100).toFixed(1) + '%"></span></div><span>' + int(t.calls) + ' of ' + int(t.maxRequests) + ' calls</span></div>';
    } else {
      html += '<div class="progress"><span>calls</span><span data-field="calls" data-value="' + t.calls + '">' + int(t.calls) + '</span><span></span></div>';
    }
    if (cand && prod) {
      html += '<div class="table-wrap"><table class="compare"><thead><tr><th></th><th class="opt">calls</th><th>p50</th><th class="opt">p99</th>' +
        '<th>errors</th><th class="opt">timeouts</th><th class="opt">rejected</th><th>agreement</th></tr></thead><tbody>' +
        row(esc(prod.name) + ' (production)', prod, false) + row(esc(cand.name) + ' (candidate)', cand, true) + '</tbody></table></div>';
    }
    html += '<ul class="reasons" data-field="reasons">' + (t.checks || []).map(function (c) {
      return '<li class="' + esc(c.verdict) + '">' + esc(c.reason) + '</li>';
    }).join('') + '</ul>';
    // this instance's checks over time right under its reasons; the fleet's view after them,
    // so that the charts never read as the fleet's
    html += '<div class="history" data-history="' + esc(testKey(endpoint, t)) + '"></div>';
    if (t.fleet) html += fleetView(t, fleet);
    if (state.access === 'UNRESTRICTED' && t.decision === 'NONE') html += actions(endpoint, t, running);
    return html + '</div>';
  }

  /**
   * The test's verdict on every instance's pairs (the fleet's), beside this instance's own above,
   * and the instances it merged: id, pairs, last update, and whether it is stale (no news for
   * three publish intervals: its last pairs still count, but it may be down).
   */
  function fleetView(t, fleet) {
    var f = t.fleet;
    var me = fleet ? fleet.instanceId : null;
    var rows = (f.instances || []).map(function (i) {
      var updated = Date.parse(i.updatedAt);
      return '<tr data-instance="' + esc(i.id) + '"><td>' + esc(i.id) + (i.id === me ? ' <span class="muted">this instance</span>' : '') +
        '</td><td data-field="pairs">' + int(i.pairs) + '</td><td>' + (isNaN(updated) ? '–' : clock(updated / 1000)) + '</td><td>' +
        (i.stale ? '<span class="badge stale" data-field="stale">stale</span>' : '') + '</td></tr>';
    }).join('');
    return '<div class="fleet" data-testid="fleet"><div class="test-head"><strong>Fleet</strong>' +
      '<span class="badge v-' + esc(f.verdict) + '" data-field="fleetVerdict">' + esc(f.verdict) + '</span>' +
      '<span class="muted">on ' + int(f.calls) + ' calls from ' + (f.instances || []).length + ' instances · this instance alone: ' +
      esc(t.verdict) + ' on ' + int(t.calls) + '</span></div>' +
      '<div class="table-wrap"><table class="compare instances"><thead><tr><th>instance</th><th>pairs</th><th>last update</th><th></th></tr></thead><tbody>' +
      rows + '</tbody></table></div>' +
      '<ul class="reasons" data-field="fleetReasons">' + (f.checks || []).map(function (c) {
        return '<li class="' + esc(c.verdict) + '">' + esc(c.reason) + '</li>';
      }).join('') + '</ul></div>';
  }

  /**
   * The decisions a person may take now. A running test can only be stopped: promote and discard
   * come once it has ended. A FAIL candidate's promote is never the primary action: discard is,
   * and promoting it anyway is a separate danger action that asks for the candidate's name.
   */
  function actions(endpoint, t, running) {
    var html = '<div class="actions">';
    if (running) {
      html += button('stop-test', endpoint, t, 'Stop test', '') +
        '<span class="muted hint">Promote or discard the candidate once the test has ended.</span>';
    } else if (t.verdict === 'FAIL') {
      html += button('discard', endpoint, t, 'Discard ' + t.candidate, 'primary');
    } else {
      html += button('promote', endpoint, t, 'Promote ' + t.candidate, t.verdict === 'PASS' ? 'primary' : '') +
        button('discard', endpoint, t, 'Discard', 'danger');
    }
    html += '</div>';
    if (!running && t.verdict === 'FAIL') {
      html += '<div class="danger-zone" data-testid="danger-zone"><div><strong>Danger zone.</strong> The verdict is FAIL: ' +
        'promoting ' + esc(t.candidate) + ' replaces production with a candidate the test found worse.</div>' +
        button('force-promote', endpoint, t, 'Promote despite FAIL…', 'danger') + '</div>';
    }
    return html;
  }

  function row(label, v, candidate) {
    var rt = v.runTime || {};
    var agreement = candidate ? pct(v.agreement) + (v.agreementLower != null ? ' <span class="muted ci2">[' + pct(v.agreementLower, 1) +
      ', ' + pct(v.agreementUpper, 1) + ']</span>' : '') : '–';
    label = label.replace(' (production)', ' <span class="muted">production</span>').replace(' (candidate)', ' <span class="muted">candidate</span>');
    return '<tr data-side="' + esc(v.side) + '"><td>' + label + '</td><td class="opt">' + int(v.invocations) + '</td><td>' + nanos(rt.count ? rt.p50Nanos : null) +
      '</td><td class="opt">' + nanos(rt.count ? rt.p99Nanos : null) + '</td><td>' + int(v.errors) + '</td><td class="opt">' + int(v.timeouts) +
      '</td><td class="opt">' + int(v.rejected) + '</td><td>' + agreement + '</td></tr>';
  }

  function button(action, endpoint, t, label, cls) {
    return '<button type="button" class="' + cls + '" data-action="' + action + '" data-endpoint="' + esc(endpoint) +
      '" data-variant="' + esc(t.candidate) + '">' + esc(label) + '</button>';
  }

  // ---- the checks over time (the endpoint's bounded history of each test) --------------------
  var HISTORY_MS = 5000; // a running test's history is fetched again after this long
  var CHECKS = {
    latency: { title: 'Latency vs production', f: ratio, unit: '%', below: true, signed: true },
    tail_latency: { title: 'Tail latency vs production', f: ratio, unit: '%', below: true, signed: true },
    errors: { title: 'Error rate vs production', f: function (v) { return v * 100; }, unit: ' pts', below: true, signed: true },
    agreement: { title: 'Agreement', f: function (v) { return v * 100; }, unit: '%', below: false },
    quality: { title: 'Quality vs production', f: function (v) { return v; }, unit: '', below: true }
  };

  /** A run-time ratio as a change in percent; a ratio of 0 is a lower bound not reached yet. */
  function ratio(v) { return v > 0 ? (v - 1) * 100 : null; }

  function history(box, endpoint, t) {
    var key = testKey(endpoint, t);
    var h = state.tests[key] || (state.tests[key] = { doc: null, at: 0, loading: false, charts: {} });
    var holder = box.querySelector('.history[data-history="' + cssEsc(key) + '"]');
    var final = h.doc && h.doc.status !== 'RUNNING';
    if (!h.loading && !final && Date.now() - h.at > (t.status === 'RUNNING' ? HISTORY_MS : 0)) {
      h.loading = true;
      fetch(ENDPOINT_URL + '/' + encodeURIComponent(endpoint) + '/' + encodeURIComponent(t.candidate),
        { headers: { 'Accept': 'application/json' }, cache: 'no-store', credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (doc) {
          if (doc) { h.doc = doc; h.at = Date.now(); }
          var now = main.querySelector('.history[data-history="' + cssEsc(key) + '"]');
          if (now) drawHistory(now, h, t);
        })
        .catch(function () { /* the page's poll reports the connection */ })
        .then(function () { h.loading = false; });
    }
    if (holder) drawHistory(holder, h, t);
  }

  function drawHistory(holder, h, t) {
    var doc = h.doc;
    if (!doc || !doc.times || doc.times.length === 0) {
      holder.innerHTML = '<p class="muted">The checks over time appear after the first sample.</p>';
      return;
    }
    if (!holder.querySelector('.checks-grid')) {
      holder.innerHTML = '<h5>Checks over time <span class="muted">(estimate, interval and threshold; ' +
        'the verdict is decided when an interval clears the threshold)</span></h5><div class="checks-grid"></div>';
    }
    var grid = holder.querySelector('.checks-grid');
    var xs = doc.times.map(function (ms) { return ms / 1000; });
    var plots = [];
    Object.keys(doc.checks).forEach(function (name) {
      var c = doc.checks[name];
      var spec = CHECKS[name] || { title: name, f: function (v) { return v; }, unit: '', below: true };
      var map = function (a) { return a.map(function (v) { return v == null ? null : spec.f(v); }); };
      var threshold = spec.f(c.threshold);
      var data = [xs, map(c.lower), map(c.upper), map(c.estimate), xs.map(function () { return threshold; })];
      var current = (t.checks || []).filter(function (k) { return k.name === name; })[0];
      var chart = h.charts[name];
      if (!chart) {
        var node = document.createElement('div');
        node.className = 'check-chart';
        node.setAttribute('data-check', name);
        node.innerHTML = '<div class="check-title"><span>' + esc(spec.title) + '</span><span class="badge"></span></div>' +
          '<div class="check-plot"></div><div class="check-legend muted"><span class="k-est"></span> estimate ' +
          '<span class="k-band"></span> interval <span class="k-thr"></span> ' + (spec.below ? 'max ' : 'min ') +
          tick(threshold, spec) + '</div>';
        chart = h.charts[name] = { node: node, plot: null, width: 0 };
      }
      grid.appendChild(chart.node); // re-attached after each render of the card
      var badge = chart.node.querySelector('.badge');
      var verdict = current ? current.verdict : 'INCONCLUSIVE';
      badge.className = 'badge v-' + verdict;
      badge.textContent = verdict;
      chart.node.setAttribute('data-points', String(xs.length));
      plots.push([chart, data, spec]);
    });
    // sized once every chart is in the grid: a lone first chart would span the whole row
    plots.forEach(function (p) { plot(p[0], p[1], p[2]); });
  }

  function plot(chart, data, spec) {
    if (typeof uPlot === 'undefined') return;
    var width = Math.max(200, chart.node.clientWidth - 16 || 300);
    if (!chart.plot) {
      chart.plot = new uPlot({
        width: width, height: 170, legend: { show: false }, cursor: { drag: { x: false, y: false } },
        series: [{},
          { label: 'lower', stroke: 'rgba(37,99,235,.5)', width: 1, points: { show: false } },
          { label: 'upper', stroke: 'rgba(37,99,235,.5)', width: 1, points: { show: false } },
          // a short history shows its points: a line needs two
          { label: 'estimate', stroke: '#2563eb', width: 2, points: { show: few, size: 5 } },
          { label: 'threshold', stroke: '#b91c1c', dash: [6, 4], width: 1.5, points: { show: false } }],
        bands: [{ series: [2, 1], fill: 'rgba(37,99,235,.15)' }],
        scales: { y: { range: focus } },
        axes: [{ values: function (u, vals) { return vals.map(clock); }, space: 70,
          incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400] },
        { values: function (u, vals) { return vals.map(function (v) { return tick(v, spec); }); }, size: 70, space: 24 }]
      }, data, chart.node.querySelector('.check-plot'));
      chart.width = width;
    } else {
      chart.plot.setData(data);
      if (Math.abs(chart.width - width) > 2) {
        chart.plot.setSize({ width: width, height: 170 });
        chart.width = width;
      }
    }
  }

  function few(u) { return u.data[0].length < 10; }

  /**
   * The y range: the threshold, the estimates and the newest interval, padded. The first, wide
   * intervals run off the chart; as the interval narrows it comes into view and meets the
   * threshold, which is where the verdict is decided.
   */
  function focus(u) {
    var d = u.data, lo = Infinity, hi = -Infinity, n = d[0].length;
    function take(v) { if (v != null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
    for (var i = 0; i < n; i++) { take(d[3][i]); take(d[4][i]); }
    take(d[1][n - 1]);
    take(d[2][n - 1]);
    if (!isFinite(lo)) return [0, 1];
    var pad = Math.max((hi - lo) * 0.25, Math.abs(hi) * 0.02, 1e-3);
    return [lo - pad, hi + pad];
  }

  /** A tick or threshold: a change is signed (+10%), a level is not (99%). */
  function tick(v, spec) {
    if (v == null) return '';
    if (spec.f === ratio && Math.abs(v) >= 1000) return '×' + (+(1 + v / 100).toPrecision(3)); // +1100% is x12
    return (spec.signed && v > 0 ? '+' : '') + (+v.toPrecision(3)) + spec.unit;
  }

  // ---- setting up a shadow test (where writes are allowed) -----------------------------------
  var SETTINGS = {
    samplingRate: ['Sampling rate', 'share of requests copied to the candidate (0.05 = 5%)'],
    duration: ['Duration', 'the time box, e.g. 30m, 2h, 7d'],
    maxRequests: ['Request budget', 'candidate calls after which the test completes (0: none)'],
    maxLatencyIncrease: ['Max latency increase', 'candidate / production − 1 of the mean run time (0.10 = 10% slower)'],
    maxTailLatencyIncrease: ['Max tail latency increase', 'the same for the tail quantile'],
    tailQuantile: ['Tail quantile', 'the quantile the tail check compares (0.99 = p99)'],
    maxErrorRateIncrease: ['Max error-rate increase', 'more failed requests per request (0.001 = +0.1 points)'],
    minAgreement: ['Min agreement', 'share of compared outputs that must agree'],
    minSamples: ['Min pairs', 'no PASS or FAIL before this many pairs (1: no extra gate)'],
    alpha: ['Alpha', 'the verdict\'s overall error probability'],
    warmup: ['Warm-up', 'first stretch of the test left out of the latency checks']
  };
  var GROUPS = [['Traffic', ['samplingRate', 'duration', 'maxRequests']],
    ['Thresholds', ['maxLatencyIncrease', 'maxTailLatencyIncrease', 'tailQuantile', 'maxErrorRateIncrease', 'minAgreement']],
    ['Advanced', ['minSamples', 'alpha', 'warmup']]];

  function startable(endpoint) {
    var st = state.doc && state.doc.startTest;
    return state.access === 'UNRESTRICTED' && st && st.candidates && st.candidates[endpoint];
  }

  function renderForm(section, endpoint, ep) {
    var holder = section.querySelector('.start-form');
    var st = startable(endpoint) ? state.doc.startTest : null;
    if (!st) { holder.innerHTML = ''; holder.hidden = true; return; }
    var candidates = st.candidates[endpoint];
    var sig = JSON.stringify(candidates);
    var form = holder.querySelector('form');
    if (!form) {
      var byName = {};
      st.settings.forEach(function (s) { byName[s.name] = s; });
      var html = '<form novalidate data-endpoint="' + esc(endpoint) + '"><h4>New shadow test on ' + esc(endpoint) + '</h4>' +
        '<p class="muted">Like SageMaker\'s shadow tests: the candidate gets a sampled copy of live requests, production keeps answering, ' +
        'and the verdict compares the two on the same requests.</p>' +
        '<div class="field"><label for="cand-' + esc(endpoint) + '">Candidate</label><select name="candidate-source" id="cand-' + esc(endpoint) + '"></select>' +
        '<small class="muted">a Predictor bean of this endpoint\'s types, or a shadow variant the test takes over</small></div>' +
        '<div class="field" data-for="predictor"><label>Variant name</label><input name="candidate" type="text" autocomplete="off">' +
        '<small class="muted">the candidate\'s name on the endpoint (a name not in use)</small></div>';
      GROUPS.forEach(function (g, i) {
        var fields = g[1].filter(function (n) { return byName[n]; });
        html += (i === 2 ? '<details><summary>' + g[0] + '</summary>' : '<fieldset><legend>' + g[0] + '</legend>') + '<div class="fields">' +
          fields.map(function (n) { return setting(byName[n]); }).join('') + '</div>' + (i === 2 ? '</details>' : '</fieldset>');
      });
      html += '<div class="form-error banner banner-error" role="alert" hidden></div>' +
        '<div class="actions"><button type="submit" class="primary" data-action="start-test">Start shadow test</button>' +
        '<button type="button" data-close-form>Cancel</button></div></form>';
      holder.innerHTML = html;
      form = holder.querySelector('form');
      form.querySelector('select').addEventListener('change', function () { candidateChanged(form, ep); });
    }
    if (form.getAttribute('data-candidates') !== sig) {
      var select = form.querySelector('select');
      var chosen = select.value;
      select.innerHTML = (candidates.predictors.length ? '<optgroup label="Predictor beans">' + candidates.predictors.map(function (p) {
        return '<option value="predictor:' + esc(p) + '">' + esc(p) + '</option>';
      }).join('') + '</optgroup>' : '') + (candidates.shadows.length ? '<optgroup label="Shadow variants of ' + esc(endpoint) + '">' +
        candidates.shadows.map(function (v) { return '<option value="shadow:' + esc(v) + '">' + esc(v) + ' (shadow: the test takes it over)</option>'; }).join('') +
        '</optgroup>' : '');
      if (chosen && select.querySelector('option[value="' + cssEsc(chosen) + '"]')) select.value = chosen;
      form.setAttribute('data-candidates', sig);
      candidateChanged(form, ep);
    }
    form.setAttribute('data-shadow-rates', JSON.stringify(shadowRates(ep)));
  }

  function setting(s) {
    var label = SETTINGS[s.name] || [s.name, ''];
    var number = s.kind !== 'DURATION';
    var def = s['default'];
    return '<div class="field" data-setting="' + esc(s.name) + '"><label for="set-' + esc(s.name) + '">' + esc(label[0]) + '</label>' +
      '<input name="' + esc(s.name) + '" id="set-' + esc(s.name) + '" type="' + (number ? 'number' : 'text') + '"' +
      (number ? ' step="any" inputmode="decimal"' + (s.min != null ? ' min="' + s.min + '"' : '') + (s.max != null ? ' max="' + s.max + '"' : '') : '') +
      ' value="' + esc(def) + '" data-default="' + esc(def) + '">' +
      '<small class="muted">' + esc(label[1]) + '<br>default <b>' + esc(def) + '</b> · allowed ' + esc(s.requirement || '') + '</small></div>';
  }

  function shadowRates(ep) {
    var rates = {};
    Object.keys(ep.variants || {}).forEach(function (n) {
      var v = ep.variants[n];
      if (v.role === 'SHADOW' && v.config && v.config.samplingRate != null) rates[n] = v.config.samplingRate;
    });
    return rates;
  }

  /** A shadow keeps its name and, unless changed, its sampling rate; a bean needs a new name. */
  function candidateChanged(form, ep) {
    var value = form.querySelector('select').value || '';
    var shadow = value.indexOf('shadow:') === 0;
    form.querySelector('[data-for="predictor"]').hidden = shadow;
    var name = form.querySelector('input[name="candidate"]');
    if (!shadow && (!name.value || name.getAttribute('data-auto') === name.value)) {
      name.value = value.substring('predictor:'.length);
      name.setAttribute('data-auto', name.value);
    }
    var rate = form.querySelector('input[name="samplingRate"]');
    if (rate) {
      var shadowRate = shadow ? shadowRates(ep)[value.substring('shadow:'.length)] : null;
      rate.value = shadowRate != null ? String(shadowRate) : rate.getAttribute('data-default');
      rate.setAttribute('data-base', rate.value);
    }
  }

  main.addEventListener('click', function (e) {
    var open = e.target.closest('button[data-open-form]');
    if (open) {
      var holder = main.querySelector('section[data-endpoint="' + cssEsc(open.getAttribute('data-open-form')) + '"] .start-form');
      holder.hidden = false;
      holder.scrollIntoView({ block: 'nearest' });
      return;
    }
    var close = e.target.closest('button[data-close-form]');
    if (close) close.closest('.start-form').hidden = true;
  });

  main.addEventListener('submit', function (e) {
    var form = e.target.closest('form[data-endpoint]');
    if (!form) return;
    e.preventDefault();
    if (state.busy) return;
    var value = form.querySelector('select').value || '';
    var body = { action: 'start-test' };
    if (value.indexOf('shadow:') === 0) {
      body.shadow = value.substring('shadow:'.length);
    } else {
      body.predictor = value.substring('predictor:'.length);
      body.candidate = form.querySelector('input[name="candidate"]').value.trim();
    }
    // the settings a person changed; the endpoint applies the defaults shown for the rest
    Array.prototype.forEach.call(form.querySelectorAll('[data-setting] input'), function (input) {
      var v = input.value.trim();
      var base = input.getAttribute('data-base') || input.getAttribute('data-default');
      if (v !== '' && v !== base) body[input.name] = v;
    });
    var error = form.querySelector('.form-error');
    error.hidden = true;
    post(form.getAttribute('data-endpoint'), body, function (ok, message) {
      if (ok) {
        // the next test starts from the defaults again
        Array.prototype.forEach.call(form.querySelectorAll('[data-setting] input'), function (input) {
          input.value = input.getAttribute('data-default');
        });
        form.querySelector('input[name="candidate"]').value = '';
        candidateChanged(form, state.doc.endpoints[form.getAttribute('data-endpoint')]);
        form.closest('.start-form').hidden = true;
      } else {
        error.innerHTML = message;
        error.hidden = false;
      }
    });
  });

  // ---- decisions ------------------------------------------------------------------------------
  main.addEventListener('click', function (e) {
    var b = e.target.closest('button[data-action]');
    if (!b || b.type === 'submit' || state.busy) return;
    var action = b.getAttribute('data-action');
    var endpoint = b.getAttribute('data-endpoint');
    var variant = b.getAttribute('data-variant');
    if (action === 'stop-test') {
      post(endpoint, { action: 'stop-test', variant: variant });
    } else if (action === 'force-promote') {
      var t = findTest(endpoint, variant);
      ask({
        title: 'Promote ' + variant + ' despite a FAIL verdict?',
        text: 'This makes ' + variant + ' the only production variant of ' + endpoint + ', although the shadow test found it ' +
          'worse than production. The checks:',
        reasons: t ? t.checks : [],
        typed: variant,
        confirm: 'Promote ' + variant + ' despite FAIL',
        danger: true
      }, function () { post(endpoint, { action: 'promote', variant: variant, force: true }); });
    } else {
      var promote = action === 'promote';
      ask({
        title: (promote ? 'Promote ' : 'Discard ') + variant + '?',
        text: promote ? variant + ' becomes the only production variant of ' + endpoint + '; the current production variants are removed.'
          : variant + ' is rejected: it stays off the endpoint.',
        confirm: promote ? 'Promote ' + variant : 'Discard ' + variant,
        danger: !promote
      }, function () { post(endpoint, { action: action, variant: variant }); });
    }
  });

  function findTest(endpoint, candidate) {
    var ep = state.doc && state.doc.endpoints[endpoint];
    var tests = ((ep && ep.tests) || []).filter(function (t) { return t.candidate === candidate; });
    return tests[tests.length - 1];
  }

  /** An in-page dialog: confirm, or with {typed}, only once that exact text is typed. */
  function ask(o, then) {
    var d = document.getElementById('confirm');
    d.querySelector('h3').textContent = o.title;
    d.querySelector('.confirm-text').textContent = o.text;
    d.querySelector('.confirm-reasons').innerHTML = (o.reasons || []).map(function (c) {
      return '<li class="' + esc(c.verdict) + '">' + esc(c.reason) + '</li>';
    }).join('');
    var typed = d.querySelector('.confirm-typed');
    var input = typed.querySelector('input');
    typed.hidden = !o.typed;
    typed.querySelector('b').textContent = o.typed || '';
    input.value = '';
    var ok = d.querySelector('button[value="confirm"]');
    ok.textContent = o.confirm;
    ok.className = o.danger ? 'danger-solid' : 'primary';
    ok.disabled = !!o.typed;
    input.oninput = function () { ok.disabled = input.value !== o.typed; };
    d.onclose = function () {
      if (d.returnValue === 'confirm' && (!o.typed || input.value === o.typed)) then();
    };
    d.returnValue = '';
    d.showModal();
    (o.typed ? input : d.querySelector('button[value="cancel"]')).focus();
  }

  function csrfHeaders() {
    var h = { 'Content-Type': 'application/json', 'Accept': 'application/json' };
    var m = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/);
    if (m) h['X-XSRF-TOKEN'] = decodeURIComponent(m[1]);
    return h;
  }

  function post(endpoint, body, done) {
    state.busy = true;
    fetch(ENDPOINT_URL + '/' + encodeURIComponent(endpoint), {
      method: 'POST', headers: csrfHeaders(), body: JSON.stringify(body), credentials: 'same-origin'
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, json: j }; });
    }).then(function (r) {
      if (r.status >= 200 && r.status < 300) {
        show('message', esc(r.json.result || 'done'), 'banner-ok');
        if (r.json.endpoint && state.doc) {
          state.doc.endpoints[endpoint] = r.json.endpoint;
          render(state.doc, false);
        }
        if (done) done(true);
      } else {
        var text = 'Refused (HTTP ' + r.status + '): ' + esc(r.json.error || r.json.message ||
          (r.status === 405 ? 'writes are not allowed; set management.endpoint.shadow.access=unrestricted' : 'no reason given'));
        show('message', text, 'banner-error');
        if (done) done(false, text);
      }
    }).catch(function (e) {
      show('message', 'The request failed: ' + esc(e.message), 'banner-error');
      if (done) done(false, 'The request failed: ' + esc(e.message));
    }).then(function () { state.busy = false; });
  }

  window.addEventListener('resize', function () {
    if (state.doc) render(state.doc, false);
  });

  poll();
})();
