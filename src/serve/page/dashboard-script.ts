/**
 * The dashboard's script, served as `/assets/dashboard.js` by qaht itself. The page reads fully
 * without it; with it, tables sort on a header click, ages tick, and each `update` event from
 * `/api/events` swaps in the refreshed screen's section (HTML rendered and escaped by the
 * server) and the health panel, keeping the reader's sort; each \`tick\` event moves the live
 * prices in their cells. It only ever talks to the page's own origin.
 */
export const DASHBOARD_JS = `'use strict';
(function () {
  var body = document.body;
  var skewMs = Number(body.getAttribute('data-server-now')) - Date.now();
  if (!isFinite(skewMs)) skewMs = 0;
  var sorts = {};

  function formatAge(seconds) {
    if (seconds < 90) return Math.round(seconds) + 's';
    if (seconds < 5400) return Math.round(seconds / 60) + 'm';
    if (seconds < 172800) return Math.round(seconds / 3600) + 'h';
    return Math.round(seconds / 86400) + 'd';
  }

  function tickAges() {
    var now = Date.now() + skewMs;
    var dated = document.querySelectorAll('[data-fetched-at]');
    for (var i = 0; i < dated.length; i++) {
      var age = dated[i].querySelector('.age');
      var at = Number(dated[i].getAttribute('data-fetched-at'));
      if (age && isFinite(at)) age.textContent = formatAge(Math.max(0, (now - at) / 1000));
    }
  }

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell ? cell.getAttribute('data-v') || '' : '';
    if (!numeric) return raw.toLowerCase();
    return raw === '' ? null : Number(raw);
  }

  function compare(a, b, numeric, direction) {
    if (a === b) return 0;
    // Unknown values go last whichever way the column is sorted.
    if (a === null) return 1;
    if (b === null) return -1;
    return (a < b ? -1 : 1) * direction;
  }

  function sortTable(table, index, numeric, direction) {
    var tbody = table.tBodies[0];
    if (!tbody) return;
    var rows = Array.prototype.slice.call(tbody.rows);
    var keyed = rows.map(function (row, position) {
      return { row: row, value: cellValue(row, index, numeric), position: position };
    });
    keyed.sort(function (a, b) {
      return compare(a.value, b.value, numeric, direction) || a.position - b.position;
    });
    for (var i = 0; i < keyed.length; i++) tbody.appendChild(keyed[i].row);
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    for (var h = 0; h < headers.length; h++) {
      headers[h].setAttribute('aria-sort', h === index ? (direction > 0 ? 'ascending' : 'descending') : 'none');
    }
  }

  function sectionOf(element) {
    while (element && !(element.tagName === 'SECTION' && element.id)) element = element.parentElement;
    return element;
  }

  function reapplySort(section) {
    var state = section && sorts[section.id];
    var table = section && section.querySelector('table.sortable');
    if (state && table) sortTable(table, state.index, state.numeric, state.direction);
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest('table.sortable th button[data-key]') : null;
    if (!button) return;
    var th = button.parentElement;
    var table = th.closest('table');
    var section = sectionOf(table);
    var numeric = button.getAttribute('data-type') === 'num';
    var current = th.getAttribute('aria-sort');
    // A first click sorts numbers high to low and text A to Z; the next click reverses.
    var direction = current === 'descending' ? 1 : current === 'ascending' ? -1 : numeric ? -1 : 1;
    sortTable(table, th.cellIndex, numeric, direction);
    if (section) sorts[section.id] = { index: th.cellIndex, numeric: numeric, direction: direction };
  });

  function replaceSection(id, html) {
    var old = document.getElementById(id);
    if (!old || typeof html !== 'string') return;
    old.outerHTML = html;
    reapplySort(document.getElementById(id));
  }

  function listen() {
    if (typeof EventSource !== 'function') return;
    var live = document.getElementById('live');
    var events = new EventSource('/api/events');
    events.addEventListener('open', function () {
      if (live) { live.textContent = 'connected'; live.className = 'on'; }
    });
    events.addEventListener('error', function () {
      if (live) { live.textContent = 'reconnecting'; live.className = ''; }
    });
    events.addEventListener('update', function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      if (!data || !data.html) return;
      replaceSection(data.html.id, data.html.section);
      replaceSection('health', data.html.health);
      replaceSection('page-health', data.html.header);
      tickAges();
      body.setAttribute('data-updates', String(Number(body.getAttribute('data-updates') || '0') + 1));
    });
    events.addEventListener('tick', function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      movePrices(data);
    });
  }

  // As the server's formatScaledPrice: grouped whole dollars from 1,000, cents from 1, four digits below.
  function formatScaledPrice(value) {
    if (typeof value !== 'number' || !isFinite(value)) return '\u2013';
    var abs = Math.abs(value);
    if (abs >= 1000) return value.toFixed(0).replace(/B(?=(d{3})+(?!d))/g, ',');
    if (abs >= 1) return value.toFixed(2);
    if (abs === 0) return '0';
    return value.toPrecision(4).replace(/0+$/, '').replace(/.$/, '');
  }

  function movePrices(entries) {
    var table = document.querySelector('#crypto table');
    if (!table || !Array.isArray(entries)) return;
    var rows = {};
    var all = table.tBodies[0] ? table.tBodies[0].rows : [];
    for (var i = 0; i < all.length; i++) rows[all[i].getAttribute('data-id')] = all[i];
    for (var j = 0; j < entries.length; j++) {
      var entry = entries[j];
      var row = entry && rows[entry.id];
      var cell = row && row.querySelector('td.price');
      if (!cell) continue;
      var before = Number(cell.getAttribute('data-v'));
      cell.textContent = formatScaledPrice(entry.priceUsd);
      cell.setAttribute('data-v', entry.priceUsd === null ? '' : String(entry.priceUsd));
      cell.classList.remove('moved-up', 'moved-down');
      if (isFinite(before) && entry.priceUsd !== before) cell.classList.add(entry.priceUsd > before ? 'moved-up' : 'moved-down');
    }
    body.setAttribute('data-ticks', String(Number(body.getAttribute('data-ticks') || '0') + 1));
  }

  tickAges();
  setInterval(tickAges, 1000);
  listen();
})();
`;
