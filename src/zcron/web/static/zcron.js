/* zcron dashboard: live refresh, table sorting and filtering, live form
   validation, confirmations. Plain JavaScript, no build step. Every page
   works without it; it only saves reloads and clicks.

   Live refresh: a page whose <body> has data-refresh="ms" fetches itself
   every so often and swaps the content of its [data-live] regions, keeping
   what the user is doing (checked boxes, open <details>, sort, filter). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // -- confirmations and small behaviours (delegated: survive refreshes) ----

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
    closeMenus(event.target.closest("details.menu"));
  });

  // A row's menu of actions closes on Escape (the focus back on it) and
  // when another one opens or one clicks elsewhere.
  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except) { menu.open = false; }
    });
  }

  document.addEventListener("keydown", function (event) {
    var menu = event.key === "Escape" && event.target.closest && event.target.closest("details.menu");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("select[data-autosubmit]")) {
      el.form.submit();
    } else if (el.id === "status-filter") {       // the same query, another status
      leaving = true;
      location.assign(withQuery({ status: el.value, page: "" }));
    } else if (el.id === "select-all") {
      rows().forEach(function (row) {
        var box = row.querySelector("input[name=uid]");
        if (box) { box.checked = el.checked; }
      });
      updateBulk();
    } else if (el.matches("input[name=uid]")) {
      updateBulk();
    } else if (el.id === "time-zone-choice") {
      localStorage.setItem(ZONE_KEY, el.value);
      showZones(document);
    }
  });

  // The name filter asks the server as one types (the page's URL says it)
  var typing = null;
  document.addEventListener("input", function (event) {
    if (event.target.id !== "name-filter") { return; }
    clearTimeout(typing);
    typing = setTimeout(function () {
      history.replaceState(null, "", withQuery({ q: event.target.value.trim(), page: "" }));
      refreshNow();
    }, 350);
  });

  // This page's URL with some of its parameters changed (empty: removed)
  function withQuery(changes) {
    var url = new URL(location.href);
    Object.keys(changes).forEach(function (key) {
      if (changes[key]) { url.searchParams.set(key, changes[key]); } else { url.searchParams.delete(key); }
    });
    return url;
  }

  var leaving = false;
  document.addEventListener("submit", function () { leaving = true; });
  // back to a page kept in the history cache: it is live again
  window.addEventListener("pageshow", function () { leaving = false; });

  // -- the crontab table: the page's rows, and times in the zone chosen -----------

  function table() { return document.getElementById("crons"); }

  function rows() {
    var t = table();
    return t ? Array.prototype.slice.call(t.tBodies[0].rows) : [];
  }

  function updateBulk() {
    var count = document.getElementById("bulk-count");
    if (!count) { return; }
    var n = document.querySelectorAll("input[name=uid]:checked").length;
    count.textContent = n ? "Selected: " + n : "Selected:";
    var all = document.getElementById("select-all");
    var shown = rows();
    if (all) {
      all.checked = shown.length > 0 && shown.every(function (r) {
        var box = r.querySelector("input[name=uid]");
        return box && box.checked;
      });
    }
  }

  var ZONE_KEY = "zcron-times-in";
  var OWN = "zcronOwnText";

  // Times are sent in the cron's zone; UTC is in their title, the browser's
  // zone comes from their instant (datetime).
  function showZones(root) {
    var choice = localStorage.getItem(ZONE_KEY) || "cron";
    var select = document.getElementById("time-zone-choice");
    if (select) { select.value = choice; }
    var local = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
      minute: "2-digit", second: "2-digit", hour12: false, timeZoneName: "short" });
    root.querySelectorAll("time[datetime] > .abs").forEach(function (abs) {
      if (abs[OWN] === undefined) { abs[OWN] = abs.textContent; }
      var time = abs.parentNode;
      if (choice === "utc") {
        abs.textContent = time.title;
      } else if (choice === "browser") {
        abs.textContent = local.format(new Date(time.getAttribute("datetime")));
      } else {
        abs.textContent = abs[OWN];
      }
    });
  }

  // -- live refresh ---------------------------------------------------------------

  var pointerDown = false;
  document.addEventListener("pointerdown", function () { pointerDown = true; });
  ["pointerup", "pointercancel", "blur"].forEach(function (type) {
    window.addEventListener(type, function () { pointerDown = false; });
  });

  function busy() {
    if (leaving || pointerDown) { return true; }
    var active = document.activeElement;
    if (active && active.closest("[data-live]") && active.matches("input:not([type=checkbox]):not([type=radio]), textarea, select")) {
      return true;
    }
    return !!document.querySelector("[data-live] details[open]");
  }

  function regions(doc) {
    var found = {};
    doc.querySelectorAll("[data-live]").forEach(function (el) { found[el.dataset.live] = el; });
    return found;
  }

  function sameKeys(a, b) {
    var ka = Object.keys(a).sort().join(","), kb = Object.keys(b).sort().join(",");
    return ka === kb;
  }

  // The HTML the server sent for an element, before this script changed
  // it (hidden rows, checked boxes): what a refresh compares with.
  var SENT = "zcronSent";

  function remember(root) {
    root.querySelectorAll("[data-live] > [id]").forEach(function (el) { el[SENT] = el.outerHTML; });
  }

  function keyed(el) {
    return el.children.length > 0 && Array.prototype.every.call(el.children, function (c) { return c.id; });
  }

  // Rows (children with ids) are replaced one by one, only when changed:
  // what is unchanged stays as it is, under the user's pointer.
  function reconcile(current, next) {
    if (!keyed(current) || !keyed(next)) {
      if (current.innerHTML !== next.innerHTML) { current.innerHTML = next.innerHTML; }
      return;
    }
    var existing = {}, wanted = {};
    Array.prototype.forEach.call(current.children, function (c) { existing[c.id] = c; });
    Array.prototype.slice.call(next.children).forEach(function (c) {
      wanted[c.id] = true;
      var old = existing[c.id];
      var html = c.outerHTML;
      if (old && old[SENT] === html) { return; }
      var fresh = document.importNode(c, true);
      fresh[SENT] = html;
      if (old) { current.replaceChild(fresh, old); } else { current.appendChild(fresh); }
    });
    Array.prototype.slice.call(current.children).forEach(function (c) {
      if (!wanted[c.id]) { current.removeChild(c); }
    });
  }

  function swap(doc) {
    var checked = {};
    document.querySelectorAll("input[name=uid]:checked").forEach(function (b) { checked[b.value] = true; });
    var open = {};
    document.querySelectorAll("[data-live] details[open][id]").forEach(function (d) { open[d.id] = true; });
    var now = regions(document), next = regions(doc);
    if (sameKeys(now, next)) {
      Object.keys(now).forEach(function (key) { reconcile(now[key], next[key]); });
    } else {
      // a region appeared or went (first cron added, last one deleted)
      var main = document.querySelector("main"), newMain = doc.querySelector("main");
      if (main && newMain) { main.innerHTML = newMain.innerHTML; remember(document); }
    }
    document.querySelectorAll("input[name=uid]").forEach(function (b) { b.checked = !!checked[b.value]; });
    Object.keys(open).forEach(function (id) {
      var d = document.getElementById(id);
      if (d) { d.open = true; }
    });
    showZones(document);
    updateBulk();
  }

  // The crontab page asks for its rows only, naming those it holds: the
  // server sends the order of the page's rows, and those that changed.
  function rowsUrl(t) {
    var url = new URL(t.dataset.rows, location.href);
    new URL(location.href).searchParams.forEach(function (value, key) {
      url.searchParams.set(key, value);
    });
    url.searchParams.set("known", rows().map(function (r) { return r.dataset.v; }).join(","));
    return url;
  }

  function swapRows(answer) {
    var body = table().tBodies[0];
    var held = {};
    rows().forEach(function (r) { held[r.dataset.uid] = r; });
    var open = {};
    document.querySelectorAll("#crons details[open][id]").forEach(function (d) { open[d.id] = true; });
    var template = document.createElement("template");
    answer.order.forEach(function (uid, index) {
      var row = held[uid];
      var html = answer.rows[uid];
      if (html !== undefined) {
        template.innerHTML = html;
        var fresh = template.content.firstElementChild;
        var box = row && row.querySelector("input[name=uid]");
        var freshBox = fresh.querySelector("input[name=uid]");
        if (box && freshBox) { freshBox.checked = box.checked; }
        if (row) { body.replaceChild(fresh, row); }
        row = fresh;
        showZones(row);
      }
      delete held[uid];
      if (body.rows[index] !== row) { body.insertBefore(row, body.rows[index] || null); }
    });
    Object.keys(held).forEach(function (uid) { body.removeChild(held[uid]); });
    Object.keys(open).forEach(function (id) {
      var d = document.getElementById(id);
      if (d) { d.open = true; }
    });
    var pager = document.querySelector("[data-live=pager]");
    if (pager && pager.innerHTML !== answer.pager) { pager.innerHTML = answer.pager; }
    var none = document.getElementById("no-match");
    if (none) { none.hidden = answer.order.length > 0; }
    updateBulk();
  }

  function fetchLive() {
    var t = table();
    var url = t && t.dataset.rows ? rowsUrl(t) : location.href;
    return fetch(url, { credentials: "same-origin", cache: "no-store",
                        headers: { "X-Requested-With": "zcron-live" } })
      .then(function (response) {
        if (response.redirected && new URL(response.url).pathname.indexOf("/login") === 0) {
          throw new Error("logged out");
        }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return t && t.dataset.rows ? response.json() : response.text();
      })
      .then(function (answer) {
        if (busy()) { return; }
        if (typeof answer === "string") {
          swap(new DOMParser().parseFromString(answer, "text/html"));
        } else {
          swapRows(answer);
        }
      });
  }

  function stamp(ok) {
    var status = document.getElementById("live-status");
    var time = document.getElementById("live-time");
    if (status) { status.classList.toggle("stale", !ok); }
    if (time && ok) {
      var d = new Date();
      time.setAttribute("datetime", d.toISOString());
      time.textContent = d.toLocaleTimeString();
    }
  }

  var refreshNow = function () {};

  function startRefresh() {
    var interval = parseInt(document.body.dataset.refresh || "0", 10);
    if (!interval) { return; }
    var stopped = false, timer = null;
    function tick() {
      clearTimeout(timer);
      if (stopped) { return; }
      if (document.hidden || busy()) { timer = setTimeout(tick, interval); return; }
      fetchLive()
        .then(function () { stamp(true); })
        .catch(function (error) {
          stopped = error.message === "logged out";   // the session ended: show stale
          stamp(false);
        })
        .then(function () { timer = setTimeout(tick, interval); });
    }
    refreshNow = tick;
    timer = setTimeout(tick, interval);
  }

  // -- the cron form: live validation and preview -----------------------------------

  function startValidation() {
    var form = document.getElementById("cron-form");
    if (!form) { return; }
    var timer = null, sequence = 0;
    function setError(field, message) {
      var el = form.querySelector("[data-error-for=" + field + "]");
      if (el) { el.textContent = message || ""; }
      var box = el && el.closest(".field");
      if (box) { box.classList.toggle("invalid", !!message); }
      var input = form.elements[field];
      if (input && input.setAttribute) { input.setAttribute("aria-invalid", message ? "true" : "false"); }
    }
    function check() {
      var params = new URLSearchParams({
        periodicity: form.elements.periodicity.value,
        timezone: form.elements.timezone.value,
        name: form.elements.name.value,
        start: form.elements.start.value,
        end: form.elements.end.value,
        max_runs: form.elements.max_runs.value,
        site: form.dataset.site,
        uid: form.dataset.uid
      });
      form.querySelectorAll("input[name=exclude]:checked").forEach(function (box) {
        params.append("exclude", box.value);
      });
      var mine = ++sequence;
      fetch(form.dataset.validate + "?" + params.toString(), { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (result) {
          if (mine !== sequence) { return; }      // an older answer: ignore
          ["periodicity", "timezone", "start", "end", "max_runs", "exclude"].forEach(function (field) {
            setError(field, result.errors[field]);
          });
          var warning = document.getElementById("w-name");
          if (warning) {
            warning.textContent = result.runner_known === false
              ? "No runner is registered under this name: its runs would be logged NOTRUN." : "";
          }
          document.getElementById("describe").textContent = result.description || "";
          document.getElementById("kind").textContent = result.kind || "";
          document.getElementById("preview").hidden = !result.description;
          document.getElementById("no-times").hidden = result.next.length > 0;
          showTimes(result.next);
        })
        .catch(function () { /* the server still validates on submit */ });
    }
    ["periodicity", "timezone", "name", "start", "end", "max_runs"].forEach(function (field) {
      form.elements[field].addEventListener("input", later);
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "exclude") { later(); }
    });
    function later() {
      clearTimeout(timer);
      timer = setTimeout(check, 250);
    }
    startBuilder(form);
  }

  // The preview's times; those a calendar removes greyed, naming it.
  function showTimes(times) {
    var list = document.getElementById("next-times");
    list.textContent = "";
    times.forEach(function (t) {
      var li = document.createElement("li");
      var time = document.createElement("time");
      time.setAttribute("datetime", t.iso);
      time.title = t.utc;
      time.textContent = t.text;
      var note = document.createElement("small");
      note.className = "muted";
      if (t.excluded.length) {
        li.className = "excluded";
        note.textContent = "excluded by " + t.excluded.join(", ");
      } else {
        note.textContent = t.relative;
      }
      li.appendChild(time);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(note);
      list.appendChild(li);
    });
  }

  // -- the schedule builder: writes a text the server reads; the text field stays the truth

  var BUILD = {
    interval: function (v) { return "every " + v.n + " " + v.unit; },
    daily: function (v) { return "every day at " + v.time; },
    weekday: function (v) { return "every weekday at " + v.time; },
    weekly: function (v) { return "weekly on " + (v.days || "mon") + " at " + v.time; },
    monthly: function (v) { return "monthly on day " + v.day + " at " + v.time; },
    nth: function (v) { return "monthly on the " + v.nth + " " + v.weekday + " at " + v.time; },
    once: function (v) { return v.once ? "once at " + v.once.replace("T", " ") : ""; },
    cron: function () { return "*/5 * * * *"; }
  };

  function startBuilder(form) {
    var kind = document.getElementById("b-kind");
    if (!kind) { return; }
    function value(id) { return document.getElementById(id).value; }
    function shown() {
      document.querySelectorAll("#builder [data-for]").forEach(function (el) {
        el.hidden = el.dataset.for.split(" ").indexOf(kind.value) === -1;
      });
      document.getElementById("b-fill").hidden = !kind.value;
    }
    kind.addEventListener("change", shown);
    document.getElementById("b-fill").addEventListener("click", function () {
      var days = [];
      document.querySelectorAll("#builder input.b-days:checked").forEach(function (b) { days.push(b.value); });
      var text = BUILD[kind.value]({
        n: value("b-n"), unit: value("b-unit"), time: value("b-time") || "09:00",
        days: days.join(","), day: value("b-day"), nth: value("b-nth"),
        weekday: value("b-weekday"), once: value("b-once")
      });
      if (!text) { return; }
      var field = form.elements.periodicity;
      field.value = text;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.focus();
    });
    shown();
  }

  document.addEventListener("DOMContentLoaded", function () {
    remember(document);
    showZones(document);
    updateBulk();
    startRefresh();
    startValidation();
  });
})();
