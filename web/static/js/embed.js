/* The Health Movement widget for any web page:
     <script src="https://ADDRESS/embed.js" data-programmes="health-champions,dementia-friends"
             data-footprint="WC" data-theme="light" data-compact="1" async></script>
   It draws the widget just after its own tag, inside a shadow root (the page's styles
   cannot reach it, and its styles cannot reach the page), and refreshes it every
   data-refresh seconds (default 300). Unchanged numbers cost a 304. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || !document.body.attachShadow) return;
  var origin = new URL(script.src).origin;
  var query = new URLSearchParams({ part: "1" });
  ["programmes", "footprint", "theme", "compact", "story"].forEach(function (name) {
    if (script.dataset[name]) query.set(name, script.dataset[name]);
  });
  var seconds = Math.max(5, parseInt(script.dataset.refresh || "300", 10) || 300);
  var host = document.createElement("div");
  host.className = "health-movement-widget";
  script.parentNode.insertBefore(host, script.nextSibling);
  var root = host.attachShadow({ mode: "open" });
  var shown = "";
  function draw() {
    fetch(origin + "/embed?" + query.toString(), { cache: "no-cache", credentials: "omit" })
      .then(function (answer) {
        if (!answer.ok) throw new Error("status " + answer.status);
        return answer.text();
      })
      .then(function (html) {
        if (html !== shown) {
          root.innerHTML = html; // made by our server, every value escaped there
          shown = html;
        }
      })
      .catch(function () { /* keep what is shown; try again at the next refresh */ });
  }
  draw();
  setInterval(draw, seconds * 1000);
})();
