// samtal works without JavaScript; this only saves a click or two.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    var button = sel.form && sel.form.querySelector("button[type=submit]");
    if (button) button.hidden = true;
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
});
