// The console's few behaviours, without a framework: live tables, copy buttons, confirmations.
// Every change the page makes is a form post with the page's anti-forgery token; this script only adds comfort.
(function () {
  "use strict";

  // A region with data-refresh is fetched again every data-every ms and replaced, while the tab is visible.
  function refresh(region) {
    var every = Number(region.getAttribute("data-every")) || 5000;
    setInterval(function () {
      if (document.hidden) return;
      fetch(region.getAttribute("data-refresh"), { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) region.innerHTML = html; })
        .catch(function () { /* the next round tries again */ });
    }, every);
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var text = source.value !== undefined ? source.value : source.textContent;
    var done = function () { button.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { select(source); });
    } else {
      select(source);
      try { document.execCommand("copy"); done(); } catch (e) { /* selected: the user copies it */ }
    }
  }

  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-refresh]").forEach(refresh);
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-copy]");
      if (button) copy(button);
    });
    // a button with data-trial posts its form to its formaction and shows the answer in the named region, in place
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-trial]");
      if (!button) return;
      event.preventDefault();
      var region = document.getElementById(button.getAttribute("data-trial"));
      var token = document.querySelector("meta[name=csrf-token]").getAttribute("content");
      region.innerHTML = "<p class=\"hint\">Connecting…</p>";
      button.disabled = true;
      fetch(button.getAttribute("formaction"), { method: "POST", credentials: "same-origin",
        headers: { "X-CSRF-Token": token }, body: new URLSearchParams(new FormData(button.form)) })
        .then(function (r) { return r.text(); })
        .then(function (html) { region.innerHTML = html; })
        .catch(function () { region.innerHTML = "<p class=\"error\">The gateway did not answer.</p>"; })
        .then(function () { button.disabled = false; });
    });
    document.addEventListener("submit", function (event) {
      var message = event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) event.preventDefault();
    });
  });
})();
