// Push products: poll the progress card every few seconds while the push runs (no reload, no framework).
(function () {
  var card = document.querySelector("[data-testid=push-progress]");
  if (!card || card.dataset.status === "done") return;
  function field(name) { return card.querySelector("[data-field=" + name + "]"); }
  function poll() {
    fetch(card.dataset.url, {credentials: "same-origin"}).then(function (reply) {
      return reply.ok ? reply.json() : null;
    }).then(function (p) {
      if (!p) return;
      ["batches_done", "batches_total", "created", "existing", "failed"].forEach(function (name) {
        field(name).textContent = p[name];
      });
      field("bar").value = p.percent;
      field("status").textContent = p.status === "done" ? card.dataset.done : card.dataset.running;
      var list = field("messages");
      list.replaceChildren.apply(list, p.messages.map(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        return item;
      }));
      if (p.status !== "done") setTimeout(poll, Number(card.dataset.pollMs));
    });
  }
  setTimeout(poll, Number(card.dataset.pollMs));
})();
