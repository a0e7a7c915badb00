// A page showing storylines or the scorecard drawn before the latest writes says so (the notice
// with data-view). This asks /healthz every two seconds whether the server has drawn them again,
// then turns the notice into a link that reloads the page. It never reloads by itself: the
// reader may be typing a search. It gives up after five minutes.
(function () {
  var notice = document.querySelector('[data-testid="redrawing"][data-view]');
  if (!notice || !window.fetch) return;
  var view = notice.getAttribute("data-view"), tries = 0;
  var timer = setInterval(function () {
    if (++tries > 150) { clearInterval(timer); return; }
    fetch("/healthz", { headers: { accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (health) {
        if (!health || !health.redrawing || health.redrawing[view] !== false) return;
        clearInterval(timer);
        var link = document.createElement("a");
        link.href = window.location.href;
        link.textContent = "They are drawn: reload the page to see them.";
        notice.textContent = "";
        notice.appendChild(link);
        notice.setAttribute("data-drawn", "true");
      })
      .catch(function () {});  // the server is busy or restarting: ask again at the next tick
  }, 2000);
})();
