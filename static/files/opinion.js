// Consult opinion report: when the groups are recomputed (an
// "opinion.updated" live event), fetch the report again and swap it in.
// The page works without this script; nothing here moves focus.
(function () {
  "use strict";
  var box = document.getElementById("opinion-report");
  if (!box || !window.WebSocket || !window.fetch) return;
  var d = box.dataset, seq = parseInt(d.seq, 10) || 0, attempts = 0, busy = false, again = false;
  function reload() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(d.fragment, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html !== null) box.innerHTML = html; // our own server-rendered, escaped fragment
    }).catch(function () {}).then(function () {
      busy = false;
      if (again) { again = false; reload(); }
    });
  }
  function connect() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(proto + location.host + d.url + "?since=" + seq);
    ws.onopen = function () { attempts = 0; };
    ws.onmessage = function (m) {
      var e;
      try { e = JSON.parse(m.data); } catch (x) { return; }
      if (e.seq) seq = Math.max(seq, e.seq);
      if (e.type === "opinion.updated" || e.type === "resync") reload();
    };
    ws.onclose = function () {
      attempts++;
      setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, attempts)));
    };
  }
  connect();
})();
