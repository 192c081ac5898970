// Rewrites <time data-local datetime="..."> in the reader's own time zone, to the second,
// naming the zone; without JavaScript the server's text (in UTC, named) stays.
(function () {
  var format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "long" });
  function localize(root) {
    var times = root.querySelectorAll ? root.querySelectorAll("time[data-local]") : [];
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date.getTime())) continue;
      var text = format.format(date);
      if (el.textContent !== text) el.textContent = text;
    }
  }
  function start() {
    localize(document);
    // live regions are swapped in by htmx, and a morph may change a <time> in place (its
    // datetime, its text): localize around whatever changed
    new MutationObserver(function (changes) {
      var seen = [];
      for (var i = 0; i < changes.length; i++) {
        var target = changes[i].target;
        var el = target.nodeType === 1 ? target : target.parentNode;
        var root = el && (el.parentNode || el);
        if (root && seen.indexOf(root) < 0) {
          seen.push(root);
          localize(root);
        }
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["datetime"] });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
