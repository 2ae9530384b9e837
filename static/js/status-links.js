// The status-link panel: a link's field shows it whole and selects itself, and "Copy" copies it.
// Each field is as tall as its whole URL, however narrow the column.
document.querySelectorAll("#status-links [data-select-on-focus]").forEach(function (field) {
  field.addEventListener("focus", function () { field.select(); });
  field.style.height = field.scrollHeight + 2 + "px";
});
document.querySelectorAll("#status-links [data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var field = document.getElementById(button.dataset.copy);
    var copied = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 2000); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(copied);
    } else {
      // Plain-HTTP pages have no clipboard API: select the text and use the legacy command.
      field.select();
      if (document.execCommand("copy")) { copied(); }
    }
  });
});
