// The restaurant page after "Refresh from the platform": follows the run and, once it
// has ended, reloads the page so that it shows what the refresh fetched.
(function () {
  "use strict";
  var status = document.getElementById("refresh-status");
  if (!status || status.getAttribute("data-ended") === "true") { return; }
  var url = status.getAttribute("data-progress-url");
  var text = status.querySelector("[data-field=progress]");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (run) {
        if (run === null) { window.setTimeout(poll, 5000); return; }
        if (run.ended) { window.location.reload(); return; }
        text.textContent = run.status + ", " + run.done + " of " + run.total + " fetched";
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
