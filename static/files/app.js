// Consult: small progressive enhancements. Every page works without this.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";

  // Move focus to the error summary so screen readers announce it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    // A link in the summary moves focus to its field (not just the view),
    // with the field's label or legend scrolled into sight above it.
    summary.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      e.preventDefault();
      var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
      var label = legend || document.querySelector("label[for='" + field.id + "']") || field;
      label.scrollIntoView();
      field.focus({ preventScroll: true });
      if (history.replaceState) history.replaceState(null, "", "#" + field.id);
    });
  }

  // Character counters: the limit is always printed; this adds a live count.
  // The visible count updates at once; screen readers hear it once typing pauses.
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  // Digits are Latin in every language, as the server writes them.
  var number = window.Intl ? new Intl.NumberFormat(lang + "-u-nu-latn") : null;
  function say(el, over, n) {
    var forms = {};
    try { forms = JSON.parse(el.getAttribute(over ? "data-over-forms" : "data-forms")) || {}; } catch (e) {}
    var text = (plural && forms[plural.select(n)]) || forms.other || "";
    return text.replace("{n}", number ? number.format(n) : String(n));
  }
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-maxlength]"), function (area) {
    var info = document.getElementById(area.id + "-info");
    if (!info) return;
    var max = parseInt(area.getAttribute("data-maxlength"), 10);
    var shown = document.createElement("p");
    shown.className = "char-count";
    shown.setAttribute("aria-hidden", "true");
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    info.classList.add("visually-hidden"); // the live count below replaces it
    info.parentNode.insertBefore(shown, info.nextSibling);
    info.parentNode.insertBefore(live, shown.nextSibling);
    var timer;
    function update(announce) {
      var left = max - area.value.replace(/\r\n/g, "\n").length;
      var text = say(info, left < 0, Math.abs(left));
      shown.textContent = text;
      shown.classList.toggle("over", left < 0);
      area.classList.toggle("input-error", left < 0);
      clearTimeout(timer);
      if (announce) timer = setTimeout(function () { live.textContent = text; }, 1000);
    }
    area.addEventListener("input", function () { update(true); });
    update(false);
  });

  // Ask before deleting; without JavaScript a confirmation page asks instead.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (!question) return;
    if (!window.confirm(question)) { e.preventDefault(); return; }
    var ok = document.createElement("input");
    ok.type = "hidden"; ok.name = "confirm"; ok.value = "1";
    form.appendChild(ok);
  });
})();
