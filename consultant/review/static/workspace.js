// The workspace's only script: served from the app (no inline code, no CDN).
// Queue: live refresh by polling, keyboard shortcuts. Case page: approve confirmation
// dialog, live preview of the HTML part.
"use strict";

(function () {
  function typing(event) {
    var t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName));
  }

  function post(url, fields) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = url;
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  // ---- Queue ----
  function setupQueue(live) {
    var selected = null; // case id of the highlighted row

    function rows() {
      return Array.prototype.slice.call(document.querySelectorAll("#queue-body tr[data-case]"));
    }

    function select(row) {
      rows().forEach(function (r) {
        r.classList.remove("selected");
        r.removeAttribute("aria-selected");
      });
      if (!row) return;
      row.classList.add("selected");
      row.setAttribute("aria-selected", "true");
      selected = row.getAttribute("data-case");
      var link = row.querySelector("a.case-link");
      if (link) link.focus({ preventScroll: false });
    }

    function current() {
      return rows().filter(function (r) { return r.getAttribute("data-case") === selected; })[0] || null;
    }

    function move(step) {
      var list = rows();
      if (!list.length) return;
      var index = list.indexOf(current());
      index = index < 0 ? 0 : Math.min(list.length - 1, Math.max(0, index + step));
      select(list[index]);
    }

    document.addEventListener("keydown", function (event) {
      if (typing(event) && event.target.tagName !== "A") return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var row = current();
      if (event.key === "j") { move(1); event.preventDefault(); }
      else if (event.key === "k") { move(-1); event.preventDefault(); }
      else if (event.key === "o" && row) { window.location.href = "/cases/" + row.getAttribute("data-case"); }
      else if (event.key === "a" && row) {
        var version = row.getAttribute("data-version");
        if (!version) return;
        var question = "Approve and send case #" + row.getAttribute("data-case") + " (" +
          row.getAttribute("data-subject") + "), draft v" + version + ", as drafted?";
        if (window.confirm(question)) {
          post("/cases/" + row.getAttribute("data-case") + "/approve", {
            csrf: live.getAttribute("data-csrf"), version: version, confirmed: "yes", as_is: "1"
          });
        }
      }
    });

    function refresh() {
      if (document.hidden) return;
      fetch(live.getAttribute("data-poll"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html");
          ["queue-counts", "queue-body", "queue-total"].forEach(function (id) {
            var now = document.getElementById(id), next = fresh.getElementById(id);
            if (now && next && now.innerHTML !== next.innerHTML) now.innerHTML = next.innerHTML;
          });
          var row = current();
          if (row) row.classList.add("selected");
        })
        .catch(function () { /* the next poll tries again */ });
    }
    var every = parseInt(live.getAttribute("data-interval") || "10000", 10);
    window.setInterval(refresh, every);
  }

  // ---- Case page ----
  function setupCase(form) {
    var body = document.getElementById("body");
    var preview = document.getElementById("preview");
    var timer = null;
    if (body && preview && !body.readOnly) {
      body.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          var data = new FormData();
          data.append("csrf", form.querySelector("input[name=csrf]").value);
          data.append("body", body.value);
          fetch(form.getAttribute("data-preview"), { method: "POST", body: data, credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (result) { if (result) preview.innerHTML = result.html; })
            .catch(function () { /* keep the last preview */ });
        }, 250);
      });
    }
    var approve = document.getElementById("approve");
    var dialog = document.getElementById("approve-dialog");
    function openDialog() {
      if (!dialog || !approve || approve.disabled) return;
      dialog.showModal();
      var confirmButton = document.getElementById("confirm-approve");
      if (confirmButton) confirmButton.focus();
    }
    if (approve) approve.addEventListener("click", openDialog);
    document.querySelectorAll("[data-close]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-close"));
        if (target) target.close();
      });
    });
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "a") { event.preventDefault(); openDialog(); }
    });
  }

  // ---- Case page: someone else's change ----
  // Polls the case's state with the stamp the page was rendered with; an unchanged case
  // answers 304 with no body. A change updates the status and claim lines and shows a
  // notice with a reload link: the reviewer's unsaved text is never replaced.
  function setupCaseLive(live) {
    var stamp = live.getAttribute("data-stamp");
    var seen = stamp; // the last state received: an idle poll after a change is a 304 too
    var notice = document.getElementById("case-changed");
    var text = document.getElementById("case-changed-text");
    function poll() {
      if (document.hidden) return;
      fetch(live.getAttribute("data-state"), {
        credentials: "same-origin",
        cache: "no-store",
        headers: { "Accept": "application/json", "If-None-Match": '"' + seen + '"' }
      })
        .then(function (response) { return response.status === 200 ? response.json() : null; })
        .then(function (state) {
          if (!state) return;
          seen = state.stamp;
          if (state.stamp === stamp) return;
          var status = document.getElementById("case-status");
          if (status) {
            status.textContent = state.status_label;
            status.className = "status " + state.status;
          }
          var claim = document.getElementById("claim-state");
          if (claim) {
            claim.textContent = state.claimed_by ? "claimed by " + state.claimed_by
              : (state.open_for_review ? "not claimed" : "");
          }
          var who = state.changed_by ? "Changed by " + state.changed_by : "Changed";
          text.textContent = who + (state.change ? " (" + state.change + ")" : "") +
            (state.version && String(state.version) !== live.getAttribute("data-version")
              ? "; the draft is now v" + state.version : "") +
            " since you opened this page; your unsaved text is kept until you reload.";
          notice.hidden = false;
        })
        .catch(function () { /* the next poll tries again */ });
    }
    var every = parseInt(live.getAttribute("data-interval") || "5000", 10);
    window.setInterval(poll, every);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var caseLive = document.getElementById("case-live");
    if (caseLive) setupCaseLive(caseLive);
    var live = document.getElementById("queue-live");
    if (live) setupQueue(live);
    var form = document.getElementById("reply-form");
    if (form) setupCase(form);
  });
})();
