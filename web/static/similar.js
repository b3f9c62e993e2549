// "Is yours one of these?": while a member types the title of a new idea,
// show up to five ideas of the campaign with the same words. The form works
// without this; the list is HTML the server rendered and escaped.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("similar-ideas");
  var title = document.querySelector("input[name=title]");
  if (!box || !title || !window.fetch) return;
  var timer = null, last = "", seq = 0;
  function look() {
    var q = title.value.trim();
    if (q === last) return;
    last = q;
    var mine = ++seq;
    if (q.length < 3) { box.innerHTML = ""; return; }
    fetch(box.dataset.similar + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (mine === seq) box.innerHTML = html; })
      .catch(function () {});
  }
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(look, 300);
  });
});
