// lockstress report: draws the page from the JSON in #report-data
// (reports/run_data.h describes it). Plain browser JavaScript, no library;
// every chart is hand-written SVG, the timeline a canvas.
(function () {
  'use strict';

  var DATA = JSON.parse(document.getElementById('report-data').textContent);
  var app = document.getElementById('app');
  var SVG = 'http://www.w3.org/2000/svg';

  // ---- small helpers ------------------------------------------------------

  // el('div', {class: 'x', text: 'y', onclick: f}, [children])
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function setAttrs(node, attrs) {
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') node.textContent = String(v);
      else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, String(v));
    });
  }
  function append(node, children) {
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
  }
  function fmtNum(n) {
    if (typeof n !== 'number') return String(n);
    if (Math.abs(n) >= 1e4 || Number.isInteger(n)) return n.toLocaleString('en-US', {maximumFractionDigits: 2});
    return String(Math.abs(n) < 1 ? Number(n.toPrecision(3)) : Math.round(n * 1000) / 1000);
  }
  function fmtUs(us) {
    var a = Math.abs(us);
    if (a < 1000) return (Math.round(us * 10) / 10) + ' µs';
    if (a < 1e6) return (Math.round(us / 10) / 100) + ' ms';
    return (Math.round(us / 1e4) / 100) + ' s';
  }
  // A tick label: the unit of the largest time shown, with as many decimals
  // as the step between ticks needs.
  function fmtTick(t, step, top) {
    var unit = top >= 1e6 ? [1e6, ' s'] : top >= 1e3 ? [1e3, ' ms'] : [1, ' µs'];
    var decimals = Math.max(0, Math.ceil(-Math.log10(step / unit[0]) - 1e-9));
    return (t / unit[0]).toFixed(Math.min(decimals, 9)) + unit[1];
  }
  function fmtCompact(n) {
    var a = Math.abs(n);
    if (a >= 1e6) return (Math.round(n / 1e5) / 10) + 'M';
    if (a >= 1e4) return Math.round(n / 1e3) + 'k';
    if (a >= 1e3) return (Math.round(n / 100) / 10) + 'k';
    return String(Math.round(n * 100) / 100);
  }
  function uniq(list) {
    var seen = {}, out = [];
    list.forEach(function (x) { if (!seen[x]) { seen[x] = true; out.push(x); } });
    return out;
  }

  // ---- the model ----------------------------------------------------------

  var checks = DATA.checks || [];
  var cases = DATA.cases || [];
  var impls = uniq(checks.map(function (c) { return c.impl; }));
  var props = uniq(checks.map(function (c) { return c.property; }));
  var control = {};
  checks.forEach(function (c) { if (c.negative_control) control[c.impl] = true; });

  var LABEL = {
    pass: 'PASS', fail: 'FAIL', skip: 'SKIP', unsafe: 'UNSAFE', caught: 'CAUGHT',
    notcaught: 'NOT CAUGHT', expected: 'FAIL (expected)'
  };
  var MEANING = {
    pass: 'conforms: every scenario that exercised this property passed',
    fail: 'does not conform to its own contract',
    unsafe: 'unsafe for this use: fails outside the library\'s promise (a feature it does not promise, tested anyway)',
    skip: 'not exercised (the implementation lacks a feature the scenario needs)',
    caught: 'negative control caught: the suite detected the lock that excludes nobody, as it must',
    notcaught: 'NOT CAUGHT: the negative control passed, so this check proves nothing',
    expected: 'negative control: failing is expected'
  };

  var SHORT = {
    pass: 'conforms', fail: 'does not conform to its own contract', unsafe: 'unsafe for this use (outside its promise)',
    skip: 'not exercised', caught: 'negative control caught, as it must be', notcaught: 'negative control passed: proves nothing'
  };

  // One check's verdict word (the colour class).
  function checkVerdict(c) {
    if (c.status !== 'fail') return c.status;
    if (c.negative_control) return c.property === 'mutual_exclusion' ? 'caught' : 'expected';
    return c.outside_promise ? 'unsafe' : 'fail';
  }
  function cellOf(impl, prop) {
    var cell = {pass: 0, fail: 0, skip: 0, unsafe: 0, list: []};
    checks.forEach(function (c, i) {
      if (c.impl !== impl || c.property !== prop) return;
      cell.list.push(i);
      cell[c.status] += 1;
      if (c.status === 'fail' && c.outside_promise) cell.unsafe += 1;
    });
    var v;
    if (cell.list.length === 0) v = 'none';
    else if (control[impl]) {
      if (prop === 'mutual_exclusion') v = cell.fail > 0 ? 'caught' : 'notcaught';
      else v = cell.fail > 0 ? 'expected' : (cell.pass > 0 ? 'pass' : 'skip');
    } else if (cell.fail > cell.unsafe) v = 'fail';
    else if (cell.unsafe > 0) v = 'unsafe';
    else if (cell.pass > 0) v = 'pass';
    else v = 'skip';
    cell.verdict = v;
    return cell;
  }
  var verdictClass = {expected: 'caught'};
  function cls(v) { return verdictClass[v] || v; }

  function caseChecks(k) {
    var out = [];
    checks.forEach(function (c, i) { if (c.case === k) out.push(i); });
    return out;
  }
  function caseVerdict(k) {
    var vs = caseChecks(k).map(function (i) { return checkVerdict(checks[i]); });
    var order = ['fail', 'unsafe', 'notcaught', 'caught', 'expected', 'pass', 'skip'];
    for (var j = 0; j < order.length; ++j) if (vs.indexOf(order[j]) >= 0) return order[j];
    return 'none';
  }

  // ---- the summary --------------------------------------------------------

  function banner() {
    var bad = [], unsafe = [], good = [], notCaught = [], caught = [];
    impls.forEach(function (impl) {
      var cells = props.map(function (p) { return cellOf(impl, p).verdict; });
      if (control[impl]) {
        (cells.indexOf('notcaught') >= 0 ? notCaught : caught).push(impl);
      } else if (cells.indexOf('fail') >= 0) bad.push(impl);
      else if (cells.indexOf('unsafe') >= 0) unsafe.push(impl);
      else good.push(impl);
    });
    var ok = bad.length === 0 && notCaught.length === 0;
    var parts = [];
    if (impls.length === 0) parts.push(el('b', {text: 'No checks in this run'}));
    if (good.length) parts.push(el('span', {}, [el('b', {class: 'chip pass', text: good.length + ' conform'}), ' ' + good.join(', ')]));
    if (bad.length) parts.push(el('span', {}, [el('b', {class: 'chip fail', text: bad.length + ' do not conform'}), ' ' + bad.join(', ')]));
    if (unsafe.length) parts.push(el('span', {}, [el('b', {class: 'chip unsafe', text: unsafe.length + ' unsafe for some uses'}), ' ' + unsafe.join(', ')]));
    if (caught.length) parts.push(el('span', {}, [el('b', {class: 'chip caught', text: 'negative control caught'}), ' ' + caught.join(', ')]));
    if (notCaught.length) parts.push(el('span', {}, [el('b', {class: 'chip notcaught', text: 'negative control NOT CAUGHT'}), ' ' + notCaught.join(', ')]));
    var n = {pass: 0, fail: 0, skip: 0};
    checks.forEach(function (c) { n[c.status] += 1; });
    if (checks.length) parts.push(el('span', {class: 'muted', text: checks.length + ' checks: ' + n.pass + ' pass, ' + n.fail + ' fail, ' + n.skip + ' skip'}));
    return el('div', {class: 'banner ' + (ok ? 'ok' : 'bad'), id: 'verdict'}, parts);
  }

  function kvTable(rows) {
    return el('table', {class: 'kv'}, rows.filter(function (r) { return r[1] !== undefined && r[1] !== null && r[1] !== ''; }).map(function (r) {
      var v = r[1];
      return el('tr', {}, [el('th', {text: r[0]}), el('td', {}, [typeof v === 'string' || typeof v === 'number' ? String(v) : v])]);
    }));
  }

  function runInfo() {
    var env = DATA.environment || {};
    var opts = DATA.check_options;
    var optText = opts ? Object.keys(opts).map(function (k) { return k.replace(/_ms$/, '') + ' ' + opts[k] + ' ms'; }).join(', ') : '';
    var run = el('div', {class: 'box'}, [el('h3', {text: 'Run'}), kvTable([
      ['Seed', DATA.seed === null || DATA.seed === undefined ? 'not recorded' : String(DATA.seed)],
      ['Reproduce', env.reproduce ? el('pre', {id: 'reproduce', text: env.reproduce}) : el('span', {class: 'muted', text: 'not recorded (an older run)'})],
      ['Command', env.command && env.command !== env.reproduce ? el('pre', {text: env.command}) : undefined],
      ['Started', env.started], ['Working dir', env.cwd],
      ['Run directory', el('code', {text: DATA.run_dir || ''})],
      ['Tolerances', optText]
    ])]);
    var libs = env.libraries ? Object.keys(env.libraries).map(function (k) { return k + ' ' + env.libraries[k]; }).join(', ') : undefined;
    var fs;
    if (env.filesystem) {
      fs = env.filesystem + (env.mount_type && env.mount_type !== env.filesystem ? ' (mounted as ' + env.mount_type + ')' : '') + ', statfs f_type ' + env.statfs_type;
    }
    var mount;
    if (env.mount_point) mount = env.mount_source + ' on ' + env.mount_point + ' — ' + env.mount_options + (env.super_options ? ' (superblock: ' + env.super_options + ')' : '');
    var envBox = el('div', {class: 'box', id: 'environment'}, [el('h3', {text: 'Environment'}), DATA.environment ? kvTable([
      ['Directory under test', env.dir_under_test], ['Filesystem', fs], ['Mount', mount],
      ['Kernel', env.kernel], ['Host', env.hostname + (env.cpus ? ' (' + env.cpus + ' CPUs)' : '')],
      ['lockstress', env.lockstress_version], ['Compiler', env.compiler], ['Libraries', libs]
    ]) : el('p', {class: 'muted', text: 'Not recorded in results.json (a run from before the report recorded it).'})]);
    return el('div', {class: 'info'}, [run, envBox]);
  }

  function matrix() {
    if (!impls.length) return null;
    var head = el('tr', {}, [el('th', {})].concat(props.map(function (p) { return el('th', {class: 'col', text: p.replace(/_/g, ' ')}); })));
    var rows = impls.map(function (impl, ii) {
      return el('tr', {}, [el('th', {class: 'row'}, [impl, control[impl] ? el('span', {class: 'tag', text: 'negative control'}) : null])].concat(props.map(function (p, pi) {
        var cell = cellOf(impl, p);
        if (cell.verdict === 'none') return el('td', {}, [el('span', {class: 'cell none muted', text: '·'})]);
        var counts = [];
        if (cell.pass) counts.push(cell.pass + ' pass');
        if (cell.fail) counts.push(cell.fail + ' fail');
        if (cell.skip) counts.push(cell.skip + ' skip');
        return el('td', {}, [el('a', {
          class: 'cell ' + cls(cell.verdict), href: '#cell=' + ii + '.' + pi, 'data-cell': impl + '/' + p,
          title: impl + ' · ' + p + ': ' + MEANING[cell.verdict] + ' (scenarios: ' + counts.join(', ') + ')'
        }, [el('span', {class: 'v', text: LABEL[cell.verdict]}), el('span', {class: 'n', text: counts.join(' · ')})])]);
      })));
    });
    return el('div', {}, [
      el('h2', {text: 'Implementations × properties'}),
      el('p', {class: 'muted small', text: 'Each cell: the verdict over every scenario that checks the property, with the number of scenarios passing, failing and skipped. Click a cell for its scenarios and the evidence.'}),
      el('div', {style: 'overflow-x:auto'}, [el('table', {class: 'grid', id: 'matrix'}, [head].concat(rows))]),
      el('div', {class: 'legend'}, ['pass', 'fail', 'unsafe', 'skip', 'caught', 'notcaught'].map(function (v) {
        return el('span', {title: MEANING[v]}, [el('i', {class: cls(v), style: 'border:1px solid #aaa'}), LABEL[v] + ': ' + SHORT[v]]);
      }))
    ]);
  }

  // ---- generic sections (bench, probe_fs, ...) ---------------------------

  var VERDICT_WORDS = {pass: 'pass', safe: 'pass', fail: 'fail', unsafe: 'fail', local: 'fail', error: 'fail', skip: 'skip'};
  function sectionBlock(s) {
    var head = el('tr', {}, s.columns.map(function (c) { return el('th', {text: c}); }));
    var rows = s.rows.map(function (r) {
      return el('tr', {}, r.map(function (cell) {
        if (typeof cell === 'string' && VERDICT_WORDS[cell]) {
          return el('td', {}, [el('span', {class: 'chip ' + VERDICT_WORDS[cell], text: cell})]);
        }
        return el('td', {class: typeof cell === 'number' ? 'num' : '', text: fmtNum(cell)});
      }));
    });
    var chart = null;
    if (s.chart && s.chart.type === 'bar') {
      var labels = s.rows.map(function (r) { return s.chart.label_columns.map(function (k) { return r[k]; }).join(' / '); });
      var values = s.rows.map(function (r) { return typeof r[s.chart.value_column] === 'number' ? r[s.chart.value_column] : 0; });
      chart = el('div', {class: 'chart', style: 'max-width:900px'}, [el('h4', {text: s.columns[s.chart.value_column]}), hbarChart(labels, values)]);
    }
    return el('section', {id: 'section-' + s.id, class: 'report-section'}, [
      el('h2', {text: s.title}), s.note ? el('p', {class: 'section-note', text: s.note}) : null,
      chart, el('table', {class: 'list data'}, [head].concat(rows))
    ]);
  }

  // ---- charts -------------------------------------------------------------

  // Vertical bars: labels[i] under bar i (every `every`-th), values[i].
  function barChart(labels, values, opts) {
    opts = opts || {};
    var W = 420, H = 190, L = 40, B = 34, T = 8;
    var max = Math.max.apply(null, values.concat([1]));
    var n = Math.max(values.length, 1), bw = (W - L - 6) / n;
    var nodes = [];
    for (var g = 0; g <= 4; ++g) {
      var y = T + (H - T - B) * (1 - g / 4);
      nodes.push(svg('line', {x1: L, x2: W, y1: y, y2: y, stroke: '#e4e8ec'}));
      nodes.push(svg('text', {x: L - 4, y: y + 3, 'text-anchor': 'end', text: fmtCompact(max * g / 4)}));
    }
    var every = Math.max(1, Math.ceil(n / 6));
    values.forEach(function (v, i) {
      var h = (H - T - B) * v / max, x = L + i * bw;
      nodes.push(svg('rect', {class: 'bar', x: x + bw * 0.1, y: H - B - h, width: Math.max(bw * 0.8, 1), height: Math.max(h, v > 0 ? 1 : 0),
        fill: (opts.colors && opts.colors[i]) || opts.color || '#2f81f7'}, [svg('title', {text: labels[i] + ': ' + fmtNum(v) + (opts.unit || '')})]));
      if (i % every === 0) nodes.push(svg('text', {x: x + bw / 2, y: H - B + 12, 'text-anchor': 'middle', text: labels[i]}));
    });
    if (opts.xlabel) nodes.push(svg('text', {x: (L + W) / 2, y: H - 4, 'text-anchor': 'middle', text: opts.xlabel}));
    return svg('svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img'}, nodes);
  }

  // Horizontal bars, one row per label (sections' charts).
  function hbarChart(labels, values) {
    var W = 880, row = 20, L = 260, H = labels.length * row + 10;
    var max = Math.max.apply(null, values.concat([1e-300]));
    var nodes = [];
    labels.forEach(function (lab, i) {
      var w = (W - L - 90) * Math.max(values[i], 0) / max, y = 5 + i * row;
      nodes.push(svg('text', {x: L - 6, y: y + 13, 'text-anchor': 'end', text: lab}));
      nodes.push(svg('rect', {class: 'bar', x: L, y: y + 3, width: Math.max(w, 1), height: row - 6, fill: '#2f81f7'}, [svg('title', {text: lab + ': ' + fmtNum(values[i])})]));
      nodes.push(svg('text', {x: L + w + 5, y: y + 13, text: fmtNum(values[i])}));
    });
    return svg('svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img'}, nodes);
  }

  function charts(kase) {
    var s = kase.stats;
    if (!s) return null;
    var w = s.wait;
    var waitChart = w.count ? barChart(w.bins.map(function (b) { return '≤' + fmtUs(b[1]).replace(' ', ''); }), w.bins.map(function (b) { return b[2]; }), {color: '#8250df', xlabel: 'wait (log bins)'})
      : el('p', {class: 'muted', text: 'No acquire got the lock.'});
    var ph = s.per_handle;
    var fair = ph.length ? barChart(ph.map(function (r) { return r[0]; }), ph.map(function (r) { return r[1]; }), {color: '#1a7f37', unit: ' acquisitions'})
      : el('p', {class: 'muted', text: 'No acquires.'});
    var tp = s.throughput;
    var thr = barChart(tp.per_s.map(function (v, i) { return fmtUs(i * tp.bin_us).replace(' ', ''); }), tp.per_s, {color: '#0969da', unit: ' acquisitions/s', xlabel: 'time since the first call'});
    var refused = ph.map(function (r) { return r[0] + ' ' + r[2]; }).join(', ');
    return el('div', {class: 'charts'}, [
      el('div', {class: 'chart', id: 'chart-wait'}, [el('h4', {text: 'Acquire-wait latency (' + w.count + ' acquires)'}), waitChart,
        el('div', {class: 'small muted', text: 'p50 ' + fmtUs(w.p50_us) + ' · p90 ' + fmtUs(w.p90_us) + ' · p99 ' + fmtUs(w.p99_us) + ' · max ' + fmtUs(w.max_us)})]),
      el('div', {class: 'chart', id: 'chart-fairness'}, [el('h4', {text: 'Acquisitions per handle (fairness)'}), fair,
        el('div', {class: 'small muted', text: 'refused: ' + (refused || 'none')})]),
      el('div', {class: 'chart', id: 'chart-throughput'}, [el('h4', {text: 'Throughput over time'}), thr,
        el('div', {class: 'small muted', text: s.ops + ' calls: ' + s.ok + ' ok, ' + s.err + ' err, ' + s.lost + ' lost; ' + s.nemesis + ' nemesis actions'})])
    ]);
  }

  // ---- the timeline -------------------------------------------------------

  var COLORS = {
    hold: '#2f81f7', hold_cut: '#2f81f7', hold_shared: '#9ec5fe', wait: '#b6c2cf', refused: '#d4a72c',
    error: '#cf222e', lost: '#8250df', call: '#6e7781', nemesis: '#1f2328', stopped: '#fbefc5'
  };
  var LANE_H = 26, GUTTER = 92, AXIS = 22;

  function Timeline(kase, evidence) {
    var tl = kase.timeline, self = this;
    this.tl = tl;
    this.kinds = tl.kinds;
    this.evidence = evidence;
    this.byLane = tl.lanes.map(function () { return []; });
    tl.items.forEach(function (it) { self.byLane[it[0]].push(it); });
    this.bucketsByLane = tl.lanes.map(function () { return []; });
    tl.buckets.forEach(function (b) { self.bucketsByLane[b[0]].push(b); });
    this.v0 = 0; this.v1 = Math.max(tl.span_us, 1);
    this.canvas = el('canvas', {class: 'timeline', id: 'timeline-canvas', height: tl.lanes.length * LANE_H + AXIS});
    this.tip = el('div', {class: 'tip'});
    var wrap = el('div', {class: 'timeline-wrap'}, [this.canvas, this.tip]);
    var btn = function (text, title, f) { return el('button', {text: text, title: title, onclick: f}); };
    var tools = el('div', {class: 'toolbar'}, [
      btn('−', 'zoom out', function () { self.zoom(2, 0.5); }), btn('+', 'zoom in', function () { self.zoom(0.5, 0.5); }),
      btn('fit all', 'the whole history', function () { self.show(0, tl.span_us); }),
      evidence.size ? btn('fit evidence', 'zoom to the evidence', function () { self.fitEvidence(); }) : null,
      el('span', {class: 'small muted', text: 'wheel: zoom · drag: scroll · ' + fmtNum(tl.events) + ' events' +
        (tl.downsampled ? ' · downsampled: ' + fmtNum(tl.items.length) + ' items drawn one by one (every violation, error, lost call and nemesis event), the rest summed in ' + fmtUs(tl.bucket_us) + ' buckets (shade = time held)' : '')})
    ]);
    var legend = el('div', {class: 'legend'}, [
      ['hold', 'holding the lock'], ['hold_shared', 'holding shared'], ['wait', 'acquire call (wait)'], ['refused', 'refused / timed out'],
      ['error', 'error'], ['lost', 'lost (crash, no reply)'], ['call', 'other call'], ['stopped', 'worker stopped'], ['evidence', 'evidence of a failed check']
    ].map(function (k) {
      return el('span', {}, [el('i', {style: 'background:' + (k[0] === 'evidence' ? '#cf222e' : COLORS[k[0]])}), k[1]]);
    }));
    this.node = el('div', {id: 'timeline'}, [tools, wrap, legend]);
    this.bind();
  }
  Timeline.prototype.isEvidence = function (it) {
    return this.evidence.has(it[4]) || (it[5] >= 0 && this.evidence.has(it[5]));
  };
  Timeline.prototype.show = function (a, b) {
    var span = Math.max(this.tl.span_us, 1);
    var w = Math.max(b - a, 2);
    if (w > span * 1.2) { a = -span * 0.1; w = span * 1.2; }
    this.v0 = a; this.v1 = a + w;
    this.draw();
  };
  Timeline.prototype.zoom = function (factor, at) {
    var w = this.v1 - this.v0, c = this.v0 + w * at;
    this.show(c - w * factor * at, c + w * factor * (1 - at));
  };
  Timeline.prototype.fitEvidence = function () {
    // The holdings among the evidence when there are (the overlap), else
    // every evidence item.
    var a = Infinity, b = -Infinity, self = this;
    [true, false].some(function (holdsOnly) {
      self.tl.items.forEach(function (it) {
        if (self.isEvidence(it) && (!holdsOnly || /^hold/.test(self.kinds[it[1]]))) {
          a = Math.min(a, it[2]); b = Math.max(b, it[3]);
        }
      });
      return a <= b;
    });
    if (a > b) return false;
    var pad = Math.max((b - a) * 0.25, 5);
    this.show(a - pad, b + pad);
    return true;
  };
  Timeline.prototype.x = function (t) {
    var w = this.canvas.clientWidth - GUTTER;
    return GUTTER + (t - this.v0) / (this.v1 - this.v0) * w;
  };
  Timeline.prototype.draw = function () {
    var c = this.canvas, ratio = window.devicePixelRatio || 1;
    var cw = c.clientWidth || 1000, ch = this.tl.lanes.length * LANE_H + AXIS;
    if (c.width !== Math.round(cw * ratio)) { c.width = Math.round(cw * ratio); c.height = Math.round(ch * ratio); c.style.height = ch + 'px'; }
    var g = c.getContext('2d'), self = this;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, cw, ch);
    g.font = '11px system-ui, sans-serif';
    // Axis: about 8 ticks at round times.
    var span = this.v1 - this.v0, step = Math.pow(10, Math.floor(Math.log10(span / 8)));
    [1, 2, 5, 10].some(function (m) { if (span / (step * m) <= 9) { step *= m; return true; } return false; });
    g.fillStyle = '#59636e'; g.strokeStyle = '#eef0f2';
    for (var t = Math.max(Math.ceil(this.v0 / step), 0) * step; t <= this.v1; t += step) {
      var tx = this.x(t);
      g.beginPath(); g.moveTo(tx, AXIS - 4); g.lineTo(tx, ch); g.stroke();
      g.fillText(fmtTick(t, step, Math.max(Math.abs(this.v0), Math.abs(this.v1))), tx + 2, 12);
    }
    // Lanes.
    this.tl.lanes.forEach(function (name, lane) {
      var y = AXIS + lane * LANE_H;
      if (lane % 2 === 0) { g.fillStyle = 'rgba(246,248,250,0.8)'; g.fillRect(GUTTER, y, cw - GUTTER, LANE_H); }
      g.fillStyle = '#1f2328'; g.fillText(name, 6, y + 16);
    });
    g.save();
    g.beginPath(); g.rect(GUTTER, 0, cw - GUTTER, ch); g.clip();
    var bw = this.tl.bucket_us;
    this.bucketsByLane.forEach(function (list, lane) {
      var y = AXIS + lane * LANE_H;
      list.forEach(function (b) {
        var x0 = self.x(b[1] * bw), x1 = self.x((b[1] + 1) * bw);
        if (x1 < GUTTER || x0 > cw) return;
        // Zoomed in past the buckets' resolution: only a faint hint.
        var faint = x1 - x0 > 150 ? 0.25 : 1;
        g.fillStyle = 'rgba(47,129,247,' + faint * (0.15 + 0.75 * b[4] / 1000) + ')';
        g.fillRect(x0, y + 5, Math.max(x1 - x0, 1), 12);
        if (b[3] > 0 && faint === 1) { g.fillStyle = COLORS.refused; g.fillRect(x0, y + 19, Math.max(x1 - x0, 1), 3); }
      });
    });
    var marks = [];
    this.byLane.forEach(function (list, lane) {
      var y = AXIS + lane * LANE_H;
      list.forEach(function (it) {
        if (it[3] < self.v0 || it[2] > self.v1) return;
        var kind = self.kinds[it[1]], x0 = self.x(it[2]), x1 = Math.max(self.x(it[3]), x0 + 1.5);
        var ev = self.isEvidence(it);
        if (kind === 'hold' || kind === 'hold_cut' || kind === 'hold_shared') {
          g.fillStyle = ev ? '#cf222e' : COLORS[kind];
          g.fillRect(x0, y + 5, x1 - x0, 12);
          if (kind === 'hold_cut') { g.fillStyle = '#1f2328'; g.fillRect(x1 - 2, y + 3, 2, 16); }
          if (ev) { g.strokeStyle = '#82071e'; g.lineWidth = 1.5; g.strokeRect(x0, y + 5, x1 - x0, 12); g.lineWidth = 1; }
        } else if (kind === 'nemesis') {
          marks.push([x0, it]);
        } else if (kind === 'stopped') {
          g.fillStyle = COLORS.stopped; g.fillRect(x0, y + 3, x1 - x0, LANE_H - 6);
          g.fillStyle = '#7d4e00'; g.fillText('stopped', x0 + 2, y + 16);
        } else {
          g.fillStyle = ev ? '#cf222e' : COLORS[kind];
          g.fillRect(x0, y + 19, x1 - x0, 4);
          if (kind === 'error' || kind === 'lost') {
            g.beginPath(); g.moveTo(x0, y + 18); g.lineTo(x0 - 4, y + 24); g.lineTo(x0 + 4, y + 24); g.closePath(); g.fill();
          }
        }
      });
    });
    // Nemesis actions: a dashed line through every lane, named on top.
    marks.forEach(function (m) {
      var line = self.tl.lines[m[1][4]], label = 'nemesis';
      try { var e = JSON.parse(line[1]); label = e.op + (e.target >= 0 ? ' w' + e.target : ''); } catch (err) { /* no line kept */ }
      g.strokeStyle = '#1f2328'; g.setLineDash([3, 3]);
      g.beginPath(); g.moveTo(m[0], AXIS); g.lineTo(m[0], ch); g.stroke(); g.setLineDash([]);
      g.fillStyle = '#1f2328'; g.fillText(label, m[0] + 3, AXIS + 15);
    });
    g.restore();
  };
  Timeline.prototype.itemAt = function (px, py) {
    var lane = Math.floor((py - AXIS) / LANE_H);
    if (lane < 0 || lane >= this.byLane.length || px < GUTTER) return null;
    var best = null, self = this;
    this.byLane[lane].forEach(function (it) {
      var x0 = self.x(it[2]) - 3, x1 = Math.max(self.x(it[3]), self.x(it[2]) + 1.5) + 3;
      if (px >= x0 && px <= x1) {
        var hold = /^hold/.test(self.kinds[it[1]]), inHoldBand = py - AXIS - lane * LANE_H < 18;
        if (!best || hold === inHoldBand) best = it;
      }
    });
    if (best) return {item: best};
    var bw = this.tl.bucket_us, t = this.v0 + (px - GUTTER) / (this.canvas.clientWidth - GUTTER) * (this.v1 - this.v0);
    var b = this.bucketsByLane[lane].filter(function (r) { return r[1] === Math.floor(t / bw); })[0];
    return b ? {bucket: b} : null;
  };
  Timeline.prototype.describe = function (hit) {
    if (hit.bucket) {
      var b = hit.bucket;
      return this.tl.lanes[b[0]] + ', ' + fmtUs(b[1] * this.tl.bucket_us) + ' .. ' + fmtUs((b[1] + 1) * this.tl.bucket_us) +
        ' (summed): ' + b[2] + ' calls, ' + b[3] + ' refused, held ' + (b[4] / 10) + '% of the time';
    }
    var it = hit.item, kind = this.kinds[it[1]];
    var text = this.tl.lanes[it[0]] + ': ' + kind.replace('_', ' ') + ' ' + fmtUs(it[2]) + ' .. ' + fmtUs(it[3]) + ' (' + fmtUs(it[3] - it[2]) + ')';
    text += '\nevent #' + it[4] + (it[5] >= 0 ? ' .. #' + it[5] : '');
    if (this.isEvidence(it)) text += '  ← evidence';
    [it[4], it[5]].forEach(function (k) { if (k >= 0 && this.tl.lines[k]) text += '\nline ' + this.tl.lines[k][0] + ': ' + this.tl.lines[k][1]; }, this);
    return text;
  };
  Timeline.prototype.bind = function () {
    var self = this, c = this.canvas, drag = null;
    c.addEventListener('wheel', function (e) {
      e.preventDefault();
      var at = (e.offsetX - GUTTER) / (c.clientWidth - GUTTER);
      self.zoom(e.deltaY > 0 ? 1.25 : 0.8, Math.min(Math.max(at, 0), 1));
    }, {passive: false});
    c.addEventListener('mousedown', function (e) { drag = {x: e.clientX, v0: self.v0, v1: self.v1}; c.style.cursor = 'grabbing'; });
    window.addEventListener('mouseup', function () { drag = null; c.style.cursor = ''; });
    c.addEventListener('dblclick', function () { self.show(0, self.tl.span_us); });
    c.addEventListener('mousemove', function (e) {
      if (drag) {
        var dt = (e.clientX - drag.x) / (c.clientWidth - GUTTER) * (drag.v1 - drag.v0);
        self.v0 = drag.v0 - dt; self.v1 = drag.v1 - dt; self.draw();
        return;
      }
      var hit = self.itemAt(e.offsetX, e.offsetY);
      if (!hit) { self.tip.style.display = 'none'; return; }
      self.tip.textContent = self.describe(hit);
      self.tip.style.display = 'block';
      self.tip.style.left = Math.min(e.offsetX + 12, c.clientWidth - 360) + 'px';
      self.tip.style.top = (e.offsetY + 16) + 'px';
    });
    c.addEventListener('mouseleave', function () { self.tip.style.display = 'none'; });
    window.addEventListener('resize', function () { self.draw(); });
  };

  // ---- the detail views ---------------------------------------------------

  var detail = el('div', {class: 'detail', id: 'detail'});

  function caseLink(k, prop, text) {
    return el('a', {href: '#case=' + k + (prop ? '&check=' + encodeURIComponent(prop) : ''), text: text});
  }

  function showCell(ii, pi) {
    var impl = impls[ii], prop = props[pi];
    if (impl === undefined || prop === undefined) return false;
    var cell = cellOf(impl, prop);
    var rows = cell.list.map(function (i) {
      var c = checks[i], v = checkVerdict(c);
      return el('tr', {}, [el('td', {}, [caseLink(c.case, c.property, c.scenario)]), el('td', {}, [el('span', {class: 'chip ' + cls(v), text: LABEL[v]})]), el('td', {class: 'small', text: c.detail || ''})]);
    });
    detail.replaceChildren(el('h2', {}, [impl + ' · ' + prop.replace(/_/g, ' ') + ' ', el('span', {class: 'chip ' + cls(cell.verdict), text: LABEL[cell.verdict]})]),
      el('p', {class: 'muted', text: MEANING[cell.verdict]}),
      el('table', {class: 'list'}, [el('tr', {}, [el('th', {text: 'scenario'}), el('th', {text: 'verdict'}), el('th', {text: 'detail'})])].concat(rows)));
    markCell(impl + '/' + prop);
    return true;
  }

  function markCell(key) {
    Array.prototype.forEach.call(document.querySelectorAll('.cell.selected'), function (n) { n.classList.remove('selected'); });
    var n = document.querySelector('[data-cell="' + (window.CSS && CSS.escape ? CSS.escape(key) : key) + '"]');
    if (n) n.classList.add('selected');
  }

  function showCase(k, prop) {
    var kase = cases[k];
    if (!kase) return false;
    var list = caseChecks(k);
    var chosen = null;
    list.forEach(function (i) { if (checks[i].property === prop) chosen = checks[i]; });
    if (!chosen) list.forEach(function (i) { if (!chosen && checks[i].status === 'fail') chosen = checks[i]; });
    var evidence = new Set(chosen && chosen.status === 'fail' ? (chosen.evidence || []) : []);
    var table = el('table', {class: 'list', id: 'checks'}, [el('tr', {}, [el('th', {text: 'property'}), el('th', {text: 'verdict'}), el('th', {text: 'detail'})])].concat(list.map(function (i) {
      var c = checks[i], v = checkVerdict(c);
      return el('tr', {class: 'pick' + (c === chosen ? ' selected' : ''), title: MEANING[v], onclick: function () { location.hash = 'case=' + k + '&check=' + encodeURIComponent(c.property); }},
        [el('td', {text: c.property}), el('td', {}, [el('span', {class: 'chip ' + cls(v), text: LABEL[v]})]), el('td', {class: 'small', text: c.detail || ''})]);
    })));
    var parts = [el('h2', {}, [kase.impl + ' · ' + kase.scenario + ' ', el('span', {class: 'chip ' + cls(caseVerdict(k)), text: LABEL[caseVerdict(k)] || ''}),
      kase.negative_control ? el('span', {class: 'tag', text: 'negative control'}) : null]), table];
    var tl = null, evidenceBlock = null;
    if (evidence.size && kase.timeline) {
      var quoted = Array.from(evidence).sort(function (a, b) { return a - b; }).map(function (i) {
        var line = kase.timeline.lines[i];
        return el('pre', {class: 'evidence-line', text: (line ? 'line ' + line[0] + ':  ' + line[1] : 'event #' + i + ': (line not kept)')});
      });
      evidenceBlock = el('div', {class: 'evidence', id: 'evidence'}, [el('h3', {text: 'Evidence of ' + chosen.property + ': the history lines (' + kase.history + '), drawn in red above'})].concat(quoted));
    }
    if (kase.timeline) {
      tl = new Timeline(kase, evidence);
      parts.push(el('h3', {text: 'Timeline: one lane per worker and handle'}), tl.node, evidenceBlock, el('h3', {text: 'Charts'}), charts(kase));
    } else {
      parts.push(el('p', {class: 'muted', text: 'No history: the case was skipped or not recorded.'}));
    }
    detail.replaceChildren.apply(detail, parts);
    markCell(null);
    if (tl) { if (!(evidence.size && tl.fitEvidence())) tl.draw(); }
    return true;
  }

  function defaultCase() {
    var pick = null;
    [function (c) { return c.status === 'fail' && !c.negative_control; },
     function (c) { return c.status === 'fail' && c.property === 'mutual_exclusion'; },
     function (c) { return c.status === 'fail'; },
     function (c) { return cases[c.case] && cases[c.case].timeline; }].some(function (test) {
      checks.some(function (c) { if (test(c)) { pick = c; return true; } return false; });
      return pick !== null;
    });
    return pick;
  }

  function route() {
    var h = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var p = kv.split('='); if (p[0]) h[p[0]] = decodeURIComponent(p[1] || '');
    });
    if (h.cell !== undefined) {
      var ij = h.cell.split('.');
      if (showCell(+ij[0], +ij[1])) return;
    }
    if (h['case'] !== undefined && showCase(+h['case'], h.check)) return;
    var d = defaultCase();
    if (d) showCase(d.case, d.property);
    else detail.replaceChildren(el('p', {class: 'muted', text: 'No case to show.'}));
  }

  function casesGrid() {
    var withCases = cases.length > 0;
    if (!withCases) return null;
    var scen = uniq(cases.map(function (c) { return c.scenario; }));
    var head = el('tr', {}, [el('th', {})].concat(impls.map(function (i) { return el('th', {class: 'col', text: i}); })));
    var rows = scen.map(function (s) {
      return el('tr', {}, [el('th', {class: 'row', text: s})].concat(impls.map(function (impl) {
        var k = -1;
        cases.forEach(function (c, j) { if (c.impl === impl && c.scenario === s) k = j; });
        if (k < 0) return el('td', {});
        var v = caseVerdict(k);
        return el('td', {}, [el('a', {class: 'cell ' + cls(v), href: '#case=' + k, title: impl + ' · ' + s + ': ' + (MEANING[v] || v), style: 'min-width:56px;padding:1px 4px'},
          [el('span', {class: 'v', text: LABEL[v] || v})])]);
      })));
    });
    return el('div', {}, [el('h2', {text: 'Every case (scenario × implementation)'}),
      el('div', {style: 'overflow-x:auto'}, [el('table', {class: 'grid', id: 'cases'}, [head].concat(rows))])]);
  }

  // ---- the page -----------------------------------------------------------

  function render() {
    var title = 'lockstress report' + (DATA.seed !== null && DATA.seed !== undefined ? ' — seed ' + DATA.seed : '');
    document.title = title;
    app.replaceChildren(
      el('h1', {text: 'lockstress report'}),
      el('div', {class: 'muted small', text: DATA.run_dir || ''}),
      impls.length ? banner() : null,
      runInfo(),
      matrix(),
      el('div', {id: 'sections'}, (DATA.sections || []).map(sectionBlock)),
      cases.length ? el('h2', {text: 'Case'}) : null,
      cases.length ? detail : null,
      casesGrid());
    window.addEventListener('hashchange', route);
    if (cases.length || impls.length) route();
  }

  render();
  // Reached only when everything drew; the next script counts errors.
  document.body.setAttribute('data-render-ms', String(Math.round(performance.now())));
  document.body.setAttribute('data-rendered', 'ok');
})();
