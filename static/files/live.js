// Consult live updates: new comments, counts, removals and closing appear
// without reloading. The page works without this script. Nothing here
// moves focus; user text only ever goes in through textContent.
(function () {
  "use strict";
  var bar = document.getElementById("live");
  var threads = document.getElementById("threads");
  if (!bar || !threads || !window.WebSocket || !window.JSON) return;
  var d = bar.dataset;
  var lang = document.documentElement.lang || "en";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var lastSeq = parseInt(d.seq, 10) || 0;
  var paused = false, held = [], attempts = 0, ws = null, timer = 0, stopped = false, closed = false;
  var statusText = document.getElementById("live-status-text");
  var pauseButton = document.getElementById("live-pause");
  var showButton = document.getElementById("live-show");
  var when;
  try {
    when = new Intl.DateTimeFormat(lang + "-u-nu-latn", { dateStyle: "medium", timeStyle: "short", timeZone: d.tz });
  } catch (x) {
    when = null;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  // counted picks the plural form the language needs (Arabic has six) from
  // the JSON the server wrote, with digits written as the server writes them.
  var number = window.Intl ? new Intl.NumberFormat(lang + "-u-nu-latn") : null;
  function counted(key, n) {
    var forms = {};
    try { forms = JSON.parse(d[key] || "{}"); } catch (x) { forms = {}; }
    var form = plural ? plural.select(n) : (n === 1 ? "one" : "other");
    return (forms[form] || forms.other || "").replace("{n}", number ? number.format(n) : String(n));
  }
  function setText(id, key, n) {
    var e = document.getElementById(id);
    if (e && typeof n === "number") e.textContent = counted(key, n);
  }
  function setState(state) {
    bar.setAttribute("data-state", state);
    statusText.textContent = d[state];
  }

  // A comment as the server renders it (partials/comment.html).
  function article(c) {
    var a = el("article", "comment" + (c.kind === "idea" ? " idea" : ""));
    a.id = "comment-" + c.id;
    a.setAttribute("aria-labelledby", a.id + "-by");
    var meta = el("header", "comment-meta");
    var by = el("span", "author");
    by.id = a.id + "-by";
    by.appendChild(el("bdi", "", c.author_name));
    meta.appendChild(by);
    var t = el("time", "", c.created_at);
    t.setAttribute("datetime", c.created_at);
    if (when) t.textContent = when.format(new Date(c.created_at));
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(t);
    if (c.stance && d["stance" + c.stance.charAt(0).toUpperCase() + c.stance.slice(1)]) {
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(el("span", "stance stance-" + c.stance, d["stance" + c.stance.charAt(0).toUpperCase() + c.stance.slice(1)]));
    }
    var pending = c.status === "pending";
    if (pending) {
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(el("span", "tag tag-pending", d.pending));
    }
    a.appendChild(meta);
    if (pending) a.appendChild(el("p", "hint", d.pendingExplain));
    if (c.title) {
      var h = el("h3", "idea-title", c.title);
      h.dir = "auto";
      a.appendChild(h);
    }
    var body = el("div", "comment-body");
    body.dir = "auto";
    if (c.locale) a.lang = body.lang = c.locale;
    String(c.body).split(/\n\s*\n/).forEach(function (para) {
      var p = el("p");
      para.split("\n").forEach(function (line, i) {
        if (i) p.appendChild(el("br"));
        p.appendChild(document.createTextNode(line));
      });
      body.appendChild(p);
    });
    a.appendChild(body);
    var actions = el("div", "comment-actions");
    if (c.kind === "idea") actions.appendChild(el("span", "support-count", counted("support", c.support_count || 0)));
    if (d.reply && !pending && !closed) actions.appendChild(el("span", "hint", d.reply));
    a.appendChild(actions);
    return a;
  }

  function depthOf(li) {
    var m = /depth-(\d+)/.exec(li.className);
    return m ? parseInt(m[1], 10) : 0;
  }

  // add places a comment where a reload would show it: a new thread at
  // the end (on the last page only), a reply after its parent's replies.
  function add(c) {
    if (document.getElementById("comment-" + c.id)) return;
    var li = el("li");
    if (!c.parent_id) {
      if (d.more) return; // it belongs on a later page
      li.className = "thread";
      li.appendChild(article(c));
      threads.appendChild(li);
      var none = document.getElementById("no-comments");
      if (none) none.parentNode.removeChild(none);
      return;
    }
    var parent = document.getElementById("comment-" + c.parent_id);
    if (!parent) return;
    var pli = parent.parentNode;
    if (pli.classList.contains("thread")) {
      var list = pli.querySelector("ol.replies");
      if (!list) {
        list = el("ol", "replies");
        pli.appendChild(list);
      }
      li.className = "depth-1";
      list.appendChild(li);
    } else {
      var pd = depthOf(pli), after = pli;
      while (after.nextElementSibling && depthOf(after.nextElementSibling) > pd) after = after.nextElementSibling;
      li.className = "depth-" + (pd + 1);
      after.parentNode.insertBefore(li, after.nextSibling);
    }
    li.appendChild(article(c));
  }

  function remove(c) {
    held = held.filter(function (h) { return h.id !== c.id; });
    updateShow();
    var a = document.getElementById("comment-" + c.id);
    if (!a) return;
    while (a.firstChild) a.removeChild(a.firstChild);
    var p = el("p", "removed", c.status === "deleted" ? d.removedDeleted : d.removedHidden);
    p.id = a.id + "-by";
    a.appendChild(p);
  }

  function restore(c) {
    var a = document.getElementById("comment-" + c.id);
    if (a) a.parentNode.replaceChild(article(c), a);
    else add(c);
  }

  function support(x) {
    var a = document.getElementById("comment-" + x.id);
    var n = a && a.querySelector(".support-count");
    if (n) n.textContent = counted("support", x.support_count);
  }

  function status(st) {
    var tag = document.getElementById("consultation-status");
    if (tag && d["status" + st.charAt(0).toUpperCase() + st.slice(1)]) {
      tag.textContent = d["status" + st.charAt(0).toUpperCase() + st.slice(1)];
      tag.className = "tag tag-" + st;
    }
    if ((st !== "closed" && st !== "outcome_published") || closed) return;
    closed = true;
    var notice = el("p", "notice notice-important", d.closed);
    bar.parentNode.insertBefore(notice, bar);
    Array.prototype.forEach.call(document.querySelectorAll(".discussion form, .call-to-action, details.reply"), function (f) {
      if (f.tagName !== "FORM") {
        f.hidden = true;
        return;
      }
      Array.prototype.forEach.call(f.elements, function (c) { c.disabled = true; });
    });
  }

  function updateShow() {
    showButton.hidden = held.length === 0;
    if (held.length) showButton.textContent = counted("new", held.length);
  }
  function showHeld() {
    var h = held;
    held = [];
    h.forEach(add);
    var had = document.activeElement === showButton;
    updateShow();
    if (had) pauseButton.focus(); // the button the person pressed is gone
  }
  pauseButton.addEventListener("click", function () {
    paused = !paused;
    pauseButton.setAttribute("aria-pressed", paused ? "true" : "false");
    if (!paused) showHeld();
  });
  showButton.addEventListener("click", showHeld);

  function handle(e) {
    if (e.type === "resync") {
      stopped = true;
      statusText.textContent = d.resync;
      bar.setAttribute("data-state", "offline");
      if (ws) ws.close();
      return;
    }
    if (typeof e.seq !== "number" || e.seq <= lastSeq) return; // seen already
    lastSeq = e.seq;
    var x = e.data || {};
    switch (e.type) {
      case "comment.created":
        if (paused) {
          if (!document.getElementById("comment-" + x.id)) held.push(x);
          updateShow();
        } else add(x);
        if (x.status === "published") setText("comment-count", "comment", x.comment_count);
        break;
      case "comment.restored":
        restore(x);
        setText("comment-count", "comment", x.comment_count);
        break;
      case "comment.hidden":
        remove(x);
        setText("comment-count", "comment", x.comment_count);
        break;
      case "support.changed":
        support(x);
        break;
      case "response.counted":
        setText("response-count", "response", x.response_count);
        break;
      case "consultation.status_changed":
        if (x.status) status(x.status);
        break;
    }
  }

  // connect follows the events after the last one seen; on failure it
  // tries again after 1, 2, 4 … 60 s (with jitter, so that a restarted
  // server is not met by every browser at once).
  function connect() {
    timer = 0;
    if (stopped) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + d.url + "?since=" + lastSeq);
    ws.onopen = function () {
      attempts = 0;
      setState("live");
    };
    ws.onmessage = function (m) {
      var e;
      try {
        e = JSON.parse(m.data);
      } catch (x) {
        return;
      }
      if (e) handle(e);
    };
    ws.onclose = function () {
      ws = null;
      if (stopped) return;
      attempts++;
      setState(attempts > 4 || navigator.onLine === false ? "offline" : "reconnecting");
      var delay = Math.min(60000, 1000 * Math.pow(2, attempts - 1));
      timer = setTimeout(connect, delay / 2 + Math.random() * delay / 2);
    };
  }
  window.addEventListener("online", function () {
    if (timer) {
      clearTimeout(timer);
      connect();
    }
  });
  bar.hidden = false;
  connect();
})();
