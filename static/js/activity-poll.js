// While any shown row is Pending, ask for the shown rows' statuses every poll and update them in place.
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-activity]"));
  var script = document.currentScript;
  var url = script.dataset.url;
  var every = Number(script.dataset.pollMs);
  function open(row) { return row.dataset.status === "pending"; }
  function set(row, name, text) {
    var cell = row.querySelector("[data-field=" + name + "]");
    if (cell) cell.textContent = text;
  }
  function poll() {
    var ids = rows.filter(open).map(function (row) { return row.dataset.activity; });
    if (!ids.length) return;
    fetch(url + "?ids=" + ids.join(","), {credentials: "same-origin"}).then(function (reply) {
      return reply.ok ? reply.json() : {rows: []};
    }).then(function (answer) {
      answer.rows.forEach(function (s) {
        rows.filter(function (row) { return row.dataset.activity === String(s.id); }).forEach(function (row) {
          row.dataset.status = s.status;
          var badge = row.querySelector("[data-field=status]");
          if (badge) { badge.textContent = s.label; badge.className = "badge " + s.status; }
          set(row, "started", s.started || "—");
          set(row, "completed", s.completed || "—");
          set(row, "attempts", s.attempts);
          set(row, "accurate_number", s.accurate_number || "—");
          set(row, "reason", s.reason);
          var action = row.querySelector("[data-field=action]");
          if (action) action.hidden = !(s.status === "failed" || s.status === "pending" || s.status === "difference");
        });
      });
    }).finally(function () { setTimeout(poll, every); });
  }
  if (rows.some(open)) setTimeout(poll, every);
})();
