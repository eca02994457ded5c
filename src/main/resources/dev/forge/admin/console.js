// The console's few behaviours, without a framework: live tables, followed logs, copy buttons, confirmations,
// streamed results.
// Every change the page makes is a form post with the page's anti-forgery token; this script only adds comfort.
(function () {
  "use strict";

  // A region with data-refresh is fetched again every data-every ms and replaced, while the tab is visible.
  // A refresh says it is one (X-Console-Poll): it does not keep a sign-in alive, and a sign-in that has ended answers
  // it with 401 rather than the sign-in page. One at a time: a slow answer is not asked for again meanwhile.
  function refresh(region) {
    var every = Number(region.getAttribute("data-every")) || 5000;
    var busy = false;
    setInterval(function () {
      if (document.hidden || busy) return;
      busy = true;
      fetch(region.getAttribute("data-refresh"), { credentials: "same-origin", headers: POLL })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) region.innerHTML = html; })
        .catch(function () { /* the next round tries again */ })
        .then(function () { busy = false; });
    }, every);
  }

  var POLL = { Accept: "text/html", "X-Console-Poll": "1" };

  // A list with data-tail follows a log: every data-every ms it asks for the lines after the last one it has
  // (data-after; the answer's X-Log-Next says where it now stands), appends them, keeps the newest data-keep, and
  // stays scrolled to the end unless the reader has scrolled up to read.
  function tail(list) {
    var every = Number(list.getAttribute("data-every")) || 2000;
    var keep = Number(list.getAttribute("data-keep")) || 1000;
    var busy = false;
    list.scrollTop = list.scrollHeight;
    setInterval(function () {
      if (document.hidden || busy) return;
      busy = true;
      var url = list.getAttribute("data-tail") + "?after=" + encodeURIComponent(list.getAttribute("data-after") || "0");
      fetch(url, { credentials: "same-origin", headers: POLL })
        .then(function (r) {
          if (!r.ok) return null;
          var next = r.headers.get("X-Log-Next");
          return r.text().then(function (html) { return { html: html, next: next }; });
        })
        .then(function (got) {
          if (!got) return;
          if (got.next) list.setAttribute("data-after", got.next);
          if (!got.html.trim()) return;
          var pinned = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
          var arrived = document.createElement("ol");
          arrived.innerHTML = got.html;
          var placeholder = list.querySelector("li.placeholder");
          if (placeholder && arrived.firstElementChild) placeholder.remove();
          while (arrived.firstElementChild) list.appendChild(arrived.firstElementChild);
          while (list.children.length > keep) list.removeChild(list.firstElementChild);
          if (pinned) list.scrollTop = list.scrollHeight;
        })
        .catch(function () { /* the next round tries again */ })
        .then(function () { busy = false; });
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

  // A picker: a filter box narrows its list as you type (every word must match), and the count of ticked boxes is
  // set against the tool limit of the client chosen, with a warning above it. Without this script it is a plain list.
  function picker(box) {
    var filter = box.querySelector("[data-filter]");
    var items = box.querySelectorAll("li[data-text]");
    var none = box.querySelector("[data-none]");
    var selected = box.querySelector("[data-selected]");
    var client = box.querySelector("[data-limit]");
    var custom = box.querySelector("[data-custom]");
    var customLabel = box.querySelector("[data-custom-label]");
    var warning = box.querySelector("[data-warning]");

    function narrow() {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = item.getAttribute("data-text").toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) >= 0; });
        item.hidden = !match;
        if (match) shown++;
      });
      none.hidden = shown > 0 || items.length === 0;
    }

    function count() {
      var ticked = box.querySelectorAll("li[data-text] input[type=checkbox]:checked").length;
      selected.textContent = String(ticked);
      var option = client.options[client.selectedIndex];
      customLabel.hidden = client.value !== "custom";
      var limit = parseInt(client.value === "custom" ? custom.value : client.value, 10);
      var over = limit > 0 && ticked > limit;
      warning.hidden = !over;
      if (over) {
        warning.textContent = ticked + " tools selected: more than the " + limit + " that "
          + option.getAttribute("data-client") + " takes.";
      }
    }

    filter.hidden = false;
    filter.addEventListener("input", narrow);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // a search, not the form's submission
    });
    box.addEventListener("change", count);
    custom.addEventListener("input", count);
    count();
  }

  // Tabs: the sections of a [data-tabs] region shown one at a time; without this script all of them show.
  function tabs(region) {
    var list = region.querySelector(".tab-list");
    var buttons = list.querySelectorAll("[data-tab]");
    function choose(id) {
      buttons.forEach(function (b) {
        var on = b.getAttribute("data-tab") === id;
        b.classList.toggle("on", on);
        b.setAttribute("aria-selected", on ? "true" : "false");
        document.getElementById(b.getAttribute("data-tab")).hidden = !on;
      });
    }
    list.hidden = false;
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-tab]");
      if (button) choose(button.getAttribute("data-tab"));
    });
    if (buttons.length) choose(buttons[0].getAttribute("data-tab"));
  }

  // A form with data-stream posts through fetch and asks for an event stream: what the call reports while it runs
  // (progress, log lines) shows as it comes, then the result's HTML, rendered by the server, takes its place. The
  // Stop button (or leaving the page) ends the request, and the gateway cancels the call. Without this script the
  // form posts plainly and the page comes back with the result.
  function stream(form) {
    var region = document.getElementById(form.getAttribute("data-stream"));
    var submit = form.querySelector("button[type=submit]");
    var controller = new AbortController();
    var live = element("div", "run running", "");
    live.id = "run-live";
    var outcome = element("p", "outcome", "");
    outcome.setAttribute("role", "status");
    var said = element("span", "said", "Calling the tool…");
    outcome.append(element("span", "verdict", "running"), " ", said);
    var bar = document.createElement("progress"); // no value: it says "working" until the tool says how far along
    var notes = element("ol", "notes", "");
    var stop = element("button", "toggle", "Stop");
    stop.type = "button";
    stop.addEventListener("click", function () { controller.abort(); });
    outcome.append(" ", stop);
    live.append(outcome, bar, notes);
    region.replaceChildren(live);
    form.querySelectorAll(".invalid").forEach(function (field) { field.classList.remove("invalid"); });
    form.querySelectorAll(".field-error").forEach(function (said) { said.remove(); });
    submit.disabled = true;

    function show(type, data) {
      if (type === "note") {
        var note = JSON.parse(data);
        notes.append(element("li", note.kind, note.text));
        if (note.percent >= 0) { bar.max = 100; bar.value = note.percent; }
        said.textContent = "Running: " + note.text;
      } else if (type === "result") {
        region.innerHTML = data;
        var result = region.querySelector("[data-invalid]");
        var invalid = result ? result.getAttribute("data-invalid").split(" ").filter(Boolean) : [];
        invalid.forEach(function (name, i) {
          var control = document.getElementById(name);
          if (!control) return;
          control.closest(".field, fieldset").classList.add("invalid");
          if (i === 0) control.focus();
        });
      }
    }

    fetch(form.action, { method: "POST", credentials: "same-origin", signal: controller.signal,
      headers: { Accept: "text/event-stream", "X-CSRF-Token": csrf() }, body: new URLSearchParams(new FormData(form)) })
      .then(function (response) {
        if (!response.ok || (response.headers.get("Content-Type") || "").indexOf("text/event-stream") < 0) {
          return response.text().then(function (text) { throw new Error(response.status + ": " + text.slice(0, 300)); });
        }
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) return;
            buffer += decoder.decode(chunk.value, { stream: true });
            for (var end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
              dispatch(buffer.slice(0, end), show);
              buffer = buffer.slice(end + 2);
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function (error) {
        if (!live.isConnected) return; // the result came; nothing is left to say
        live.className = "run refused";
        outcome.setAttribute("role", "alert");
        outcome.firstChild.textContent = controller.signal.aborted ? "stopped" : "failed";
        said.textContent = controller.signal.aborted ? "Stopped: the gateway cancels the call." : "The call failed: " + error.message;
      })
      .finally(function () {
        submit.disabled = false;
        stop.remove();
      });
  }

  // One event of a text/event-stream: its type and its data lines joined; comments (keep-alives) are skipped.
  function dispatch(block, show) {
    var type = "message";
    var data = [];
    block.split("\n").forEach(function (line) {
      if (line.indexOf("event: ") === 0) type = line.slice(7);
      else if (line.indexOf("data: ") === 0) data.push(line.slice(6));
      else if (line === "data:") data.push("");
    });
    if (data.length) show(type, data.join("\n"));
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function csrf() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-refresh]").forEach(refresh);
    document.querySelectorAll("[data-picker]").forEach(picker);
    document.querySelectorAll("[data-tabs]").forEach(tabs);
    document.querySelectorAll("[data-tail]").forEach(tail);
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
      if (message && !window.confirm(message)) {
        event.preventDefault();
      } else if (event.target.hasAttribute("data-stream") && window.fetch && window.ReadableStream) {
        event.preventDefault();
        stream(event.target);
      }
    });
  });
})();
