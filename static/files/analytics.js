// Consult analytics: an open consultation's figures follow its live
// events without reloading. The page works without this script; nothing
// here moves focus.
//
// Public page: only the response and comment totals change, from the
// numbers the events carry (the consultation page shows them too).
// Breakdowns, which small-cell suppression protects, are published once
// after closing and never pushed. Staff page (data-fragment): the exact
// figures are fetched again, at most every few seconds, and the headline
// numbers change in place, in a polite live region.
(function () {
  "use strict";
  var box = document.getElementById("analytics-live");
  if (!box || !window.WebSocket || !window.JSON) return;
  var d = box.dataset, seq = parseInt(d.seq, 10) || 0, attempts = 0, closed = false;
  var lang = document.documentElement.lang || "en";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var number = window.Intl ? new Intl.NumberFormat(lang + "-u-nu-latn") : null;

  // counted picks the plural form the language needs from the JSON the
  // server wrote, with digits written as the server writes them.
  function counted(key, n) {
    var forms = {};
    try { forms = JSON.parse(d[key] || "{}"); } catch (x) { forms = {}; }
    var form = plural ? plural.select(n) : (n === 1 ? "one" : "other");
    return (forms[form] || forms.other || "").replace("{n}", number ? number.format(n) : String(n));
  }
  function setCount(id, key, n) {
    var e = document.getElementById(id);
    if (e && typeof n === "number" && d[key]) e.textContent = counted(key, n);
  }

  var canSwap = !!(d.fragment && window.fetch && "content" in document.createElement("template"));
  var busy = false, again = false, timer = 0;
  function refresh() {
    if (!canSwap || timer) return;
    timer = setTimeout(load, 3000);
  }
  function load() {
    timer = 0;
    if (busy) { again = true; return; }
    busy = true;
    fetch(d.fragment, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html !== null) swap(html);
    }).catch(function () {}).then(function () {
      busy = false;
      if (again) { again = false; refresh(); }
    });
  }
  function swap(html) {
    var t = document.createElement("template");
    t.innerHTML = html; // our own server-rendered, escaped fragment
    var fresh = t.content;
    var shown = document.querySelectorAll("[data-live-key]");
    Array.prototype.forEach.call(fresh.querySelectorAll("[data-live-key]"), function (n) {
      var key = n.getAttribute("data-live-key");
      for (var i = 0; i < shown.length; i++) {
        if (shown[i].getAttribute("data-live-key") === key && shown[i].textContent !== n.textContent) {
          shown[i].textContent = n.textContent;
        }
      }
    });
    // Charts and tables change silently, and not under a reader's focus.
    var figs = document.getElementById("analytics-live-figures");
    var next = fresh.querySelector("#analytics-live-figures");
    if (figs && next && !figs.contains(document.activeElement) && figs.innerHTML !== next.innerHTML) {
      figs.innerHTML = next.innerHTML;
    }
  }

  function handle(e) {
    if (e.type === "resync") { refresh(); return; }
    if (typeof e.seq !== "number" || e.seq <= seq) return; // seen already
    seq = e.seq;
    var x = e.data || {};
    switch (e.type) {
      case "response.counted":
        setCount("response-count", "response", x.response_count);
        break;
      case "comment.created":
        if (x.status !== "published") return;
        setCount("comment-count", "comment", x.comment_count);
        break;
      case "comment.hidden":
      case "comment.restored":
        setCount("comment-count", "comment", x.comment_count);
        break;
      case "support.changed":
        break;
      case "consultation.status_changed":
        if (!closed && d.closed && (x.status === "closed" || x.status === "outcome_published")) {
          closed = true;
          var p = document.createElement("p");
          p.className = "notice notice-important";
          p.textContent = d.closed;
          box.parentNode.insertBefore(p, box);
        }
        break;
      default:
        return;
    }
    refresh();
  }

  // connect follows the events after the last one seen; on failure it
  // tries again after 1, 2, 4 … 60 s, with jitter.
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + d.url + "?since=" + seq);
    ws.onopen = function () { attempts = 0; };
    ws.onmessage = function (m) {
      var e;
      try { e = JSON.parse(m.data); } catch (x) { return; }
      if (e) handle(e);
    };
    ws.onclose = function () {
      attempts++;
      var delay = Math.min(60000, 1000 * Math.pow(2, attempts - 1));
      setTimeout(connect, delay / 2 + Math.random() * delay / 2);
    };
  }
  connect();
})();
