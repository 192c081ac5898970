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
    // live regions are swapped in by htmx: localize what arrives
    new MutationObserver(function (changes) {
      for (var i = 0; i < changes.length; i++) {
        for (var j = 0; j < changes[i].addedNodes.length; j++) {
          var node = changes[i].addedNodes[j];
          if (node.nodeType === 1) localize(node.parentNode || node);
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
