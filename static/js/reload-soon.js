// Reload the page after data-reload-ms: a reconciliation check is running in the background.
(function () {
  var script = document.currentScript;
  var after = Number(script && script.dataset.reloadMs) || 3000;
  setTimeout(function () { window.location.reload(); }, after);
})();
