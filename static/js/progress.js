// Live progress of sync runs: polls the JSON endpoint every 2 s while a run is queued or running.
(function () {
  "use strict";
  var table = document.getElementById("sync-runs");
  if (!table) { return; }
  var url = table.getAttribute("data-progress-url");
  var fields = ["changed", "unchanged", "failed", "halted", "skipped"];

  function active() {
    return table.querySelector('tr[data-status="queued"], tr[data-status="running"]') !== null;
  }

  function update(run) {
    var row = table.querySelector('tr[data-run="' + run.id + '"]');
    if (!row) { return false; }
    row.setAttribute("data-status", run.status);
    row.querySelector("progress").value = run.percent;
    row.querySelector('[data-field="label"]').textContent =
      run.done + "/" + run.total + " · " + run.status_label;
    fields.forEach(function (name) {
      row.querySelector('[data-field="' + name + '"]').textContent = run[name];
    });
    return true;
  }

  function poll() {
    if (!active()) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { runs: [] }; })
      .then(function (data) {
        var known = data.runs.every(update);
        if (!known) { window.location.reload(); return; }  // a new run started
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 2000);
})();
