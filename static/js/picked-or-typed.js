// The outlet mapping form: a branch, warehouse or clearing account is picked from Accurate's list OR
// typed to be created there, never both. Typing a name empties the list's choice, picking from the
// list empties the typed name, so the page shows what Save will use (the server refuses both).
(function () {
  document.querySelectorAll("input[data-picked]").forEach(function (typed) {
    var picked = document.getElementById(typed.dataset.picked);
    if (!picked) { return; }
    typed.addEventListener("input", function () {
      if (typed.value.trim()) { picked.value = ""; }
    });
    picked.addEventListener("change", function () {
      if (picked.value) { typed.value = ""; }
    });
  });
})();
