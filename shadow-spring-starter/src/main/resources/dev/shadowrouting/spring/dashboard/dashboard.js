/* shadow-routing dashboard: polls the Actuator endpoint "shadow" every second. No build step. */
(function () {
  'use strict';

  var ENDPOINT_URL = document.body.getAttribute('data-endpoint-url');
  var POLL_MS = 1000;
  var HISTORY = 300; // points per chart: 5 minutes at one poll a second
  var PALETTE = ['#2563eb', '#9333ea', '#ea580c', '#0891b2', '#16a34a', '#db2777', '#854d0e', '#4b5563'];

  var state = { doc: null, access: 'READ_ONLY', charts: {}, history: {}, busy: false };
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
          show('access-note', 'Read-only: the buttons to stop, promote or discard are hidden. To allow them, set ' +
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
          '<div class="chart"><h4>Latency p50 / p99 (ms, last 30 s)</h4><div class="plot"></div></div><div class="tests"></div>';
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
      ' · sinks ' + (Object.keys(ep.sinks || {}).map(esc).join(', ') || 'none');
    var tiles = [];
    Object.keys(ep.variants).forEach(function (vn) {
      var v = ep.variants[vn];
      if (!v.active && !v.testCandidate) return; // removed variants live on in their test's report
      tiles.push(variantTile(vn, v));
    });
    section.querySelector('.variants').innerHTML = tiles.join('');
    chart(section, name, ep, record);
    renderTests(section, name, ep);
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
    if (tests.length === 0) {
      box.innerHTML = '<h4>Shadow tests</h4><p class="muted" data-testid="no-tests">No shadow test yet.</p>';
      return;
    }
    var html = '<h4>Shadow tests</h4>';
    var shown = {};
    tests.forEach(function (t) {
      if (shown[t.candidate]) return; // the latest test of each candidate
      shown[t.candidate] = true;
      html += testCard(endpoint, t);
    });
    box.innerHTML = html;
  }

  function testCard(endpoint, t) {
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
    if (state.access === 'UNRESTRICTED' && t.decision === 'NONE') {
      html += '<div class="actions">';
      if (running) {
        html += button('stop-test', endpoint, t, 'Stop test', '');
      }
      html += button('promote', endpoint, t, 'Promote ' + t.candidate, 'primary');
      html += button('discard', endpoint, t, 'Discard', 'danger');
      html += '</div>';
    }
    return html + '</div>';
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
      '" data-variant="' + esc(t.candidate) + '" data-status="' + esc(t.status) + '" data-verdict="' + esc(t.verdict) + '">' +
      esc(label) + '</button>';
  }

  // ---- actions ------------------------------------------------------------------------------
  main.addEventListener('click', function (e) {
    var b = e.target.closest('button[data-action]');
    if (!b || state.busy) return;
    var action = b.getAttribute('data-action');
    var variant = b.getAttribute('data-variant');
    var running = b.getAttribute('data-status') === 'RUNNING';
    var body = { action: action, variant: variant };
    if (action === 'promote' || action === 'discard') {
      var failed = b.getAttribute('data-verdict') === 'FAIL';
      var why = running ? 'The test is still running: it will be stopped first.' : '';
      if (action === 'promote' && failed) why += ' Its verdict is FAIL.';
      if (!window.confirm((action === 'promote' ? 'Promote ' + variant + ' to production?' : 'Discard ' + variant + '?') +
        (why ? '\n' + why : ''))) return;
      if (running || (action === 'promote' && failed)) body.force = true;
    }
    post(b.getAttribute('data-endpoint'), body);
  });

  function csrfHeaders() {
    var h = { 'Content-Type': 'application/json', 'Accept': 'application/json' };
    var m = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/);
    if (m) h['X-XSRF-TOKEN'] = decodeURIComponent(m[1]);
    return h;
  }

  function post(endpoint, body) {
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
      } else if (r.status === 405 || r.status === 404) {
        show('message', 'Refused (HTTP ' + r.status + '): writes are not allowed. Set ' +
          '<code>management.endpoint.shadow.access=unrestricted</code>.', 'banner-error');
      } else {
        show('message', 'Refused (HTTP ' + r.status + '): ' + esc(r.json.error || r.json.message || 'no reason given'), 'banner-error');
      }
    }).catch(function (e) {
      show('message', 'The request failed: ' + esc(e.message), 'banner-error');
    }).then(function () { state.busy = false; });
  }

  window.addEventListener('resize', function () {
    if (state.doc) render(state.doc, false);
  });

  poll();
})();
