// The dashboard's sync runs, live: every 2 s while a run is queued or running, every
// 5 s otherwise (so a run that starts later shows up, and "Started" moves on), never
// while the tab is hidden. The server sends the rows as the dashboard renders them.
(function () {
  "use strict";
  var table = document.getElementById("sync-runs");
  if (!table) { return; }
  var url = table.getAttribute("data-progress-url");
  var rows = table.tBodies[0];
  var ACTIVE_MS = 2000, IDLE_MS = 5000, RETRY_MS = 10000;

  function active(runs) {
    return runs.some(function (run) { return run.status === "queued" || run.status === "running"; });
  }

  function later(delay) { window.setTimeout(poll, delay); }

  function poll() {
    if (document.hidden) { later(IDLE_MS); return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { later(RETRY_MS); return; }
        rows.innerHTML = data.rows;  // escaped by the server's template
        later(active(data.runs) ? ACTIVE_MS : IDLE_MS);
      })
      .catch(function () { later(RETRY_MS); });
  }

  var running = rows.querySelector('tr[data-status="queued"], tr[data-status="running"]');
  later(running ? ACTIVE_MS : IDLE_MS);
})();
