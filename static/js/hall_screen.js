/* The hall's big screen (decision 0025 §4). Polls the screen's data every few seconds with the ETag of what it shows
   (If-None-Match): an unchanged center answers 304 and nothing is redrawn. New data is drawn from the JSON with
   textContent only (no HTML from the server). A new call (or a recall) flashes the number and plays a short chime
   generated with the Web Audio API (no audio file). When the network or the server fails, the last data stays on the
   screen with "网络中断，显示的是 HH:MM 的数据" (the time of the last successful poll). A revoked screen goes back to
   the activation page. A static file: the CSP forbids inline scripts. */
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-screen-url");
  if (!url) {
    return;
  }
  var etag = body.getAttribute("data-screen-etag") || "";
  var lastCall = body.getAttribute("data-screen-call") || "";
  var every = (parseInt(body.getAttribute("data-screen-poll"), 10) || 2) * 1000;
  var t = function (name) { return body.getAttribute("data-t-" + name) || ""; };
  var lastGood = new Date();
  var tz = body.getAttribute("data-screen-tz") || undefined;
  var parts = null;  // the hall's own time (Asia/Shanghai), whatever the TV's time zone
  try {
    parts = new Intl.DateTimeFormat("en-CA", {timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit",
                                              hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"});
  } catch (e) {
    parts = null;
  }
  var audio = null;

  function el(id) { return document.getElementById(id); }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  function fields(d) {
    if (parts && parts.formatToParts) {
      var out = {};
      parts.formatToParts(d).forEach(function (p) { out[p.type] = p.value; });
      return out;
    }
    return {year: String(d.getFullYear()), month: pad2(d.getMonth() + 1), day: pad2(d.getDate()),
            hour: pad2(d.getHours()), minute: pad2(d.getMinutes()), second: pad2(d.getSeconds())};
  }

  function hhmm(d) { var f = fields(d); return f.hour + ":" + f.minute; }

  function node(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }

  // --- the chime --------------------------------------------------------------------------------------------------

  function audioContext() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return null; }
    if (audio === null) {
      try { audio = new Ctx(); } catch (e) { audio = null; }
    }
    return audio;
  }

  function soundHint() {
    var ctx = audioContext();
    var hint = el("hs-sound");
    if (hint) { hint.hidden = !(ctx && ctx.state === "suspended"); }
  }

  function unlock() {
    var ctx = audioContext();
    if (ctx && ctx.state === "suspended" && ctx.resume) {
      ctx.resume().then(soundHint, soundHint);
    } else {
      soundHint();
    }
  }

  function tone(ctx, frequency, start, length) {
    var osc = ctx.createOscillator();
    var gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.setValueAtTime(frequency, start);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.5, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(start);
    osc.stop(start + length + 0.05);
  }

  function chime() {
    var ctx = audioContext();
    if (!ctx) { return; }
    if (ctx.state === "suspended" && ctx.resume) { ctx.resume(); }
    var at = ctx.currentTime + 0.05;
    tone(ctx, 880, at, 0.45);  // 叮
    tone(ctx, 659.25, at + 0.4, 0.7);  // 咚
  }

  // --- drawing ----------------------------------------------------------------------------------------------------

  function windowText(number) { return number + t("window"); }

  function drawCurrent(call) {
    var box = el("hs-current");
    clear(box);
    if (!call) {
      box.appendChild(node("span", "hs-idle", t("idle")));
      return;
    }
    box.appendChild(node("span", "hs-current-number", call.number));
    box.appendChild(node("span", "hs-current-window", t("call-to") + " " + windowText(call.window)));
  }

  function drawCalls(calls) {
    var tbody = el("hs-calls");
    clear(tbody);
    calls.slice(1).forEach(function (c) {
      var tr = document.createElement("tr");
      tr.appendChild(node("td", "hs-num", c.number));
      tr.appendChild(node("td", "", windowText(c.window)));
      tr.appendChild(node("td", "", c.at));
      tr.appendChild(node("td", "", c.calls > 1 ? t("nth").replace("%s", c.calls) : ""));
      tbody.appendChild(tr);
    });
  }

  function drawWindows(windows) {
    var grid = el("hs-windows");
    var denseFrom = parseInt(grid.getAttribute("data-dense-from"), 10) || 15;
    grid.classList.toggle("hs-dense", windows.length > denseFrom);
    clear(grid);
    if (!windows.length) {
      grid.appendChild(node("p", "hs-empty", t("no-windows")));
      return;
    }
    windows.forEach(function (w) {
      var card = node("div", "hs-window");
      card.appendChild(node("div", "hs-window-head", windowText(w.number) + " " + w.name));
      var staff = node("div", "hs-window-staff", w.staff + " ");
      staff.appendChild(node("span", "hs-badge", t("badge") + " " + w.badge));
      card.appendChild(staff);
      if (w.ticket) {
        var ticket = node("div", "hs-window-ticket", w.ticket);
        ticket.appendChild(node("small", "", w.ticket_state_label));
        card.appendChild(ticket);
      } else {
        card.appendChild(node("div", "hs-window-free", t("free")));
      }
      grid.appendChild(card);
    });
  }

  function drawCounts(counts) {
    var cells = document.querySelectorAll("[data-count]");
    Array.prototype.forEach.call(cells, function (cell) {
      var name = cell.getAttribute("data-count");
      var value = counts[name];
      if (name === "on_time_rate") {
        cell.textContent = value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%";
      } else {
        cell.textContent = value === undefined ? "" : String(value);
      }
    });
  }

  function drawBulletins(bulletins) {
    var track = el("hs-ticker");
    var titles = bulletins.map(function (b) { return b.title; });
    if (titles.join("\n") === track.getAttribute("data-titles")) {
      return;  // unchanged: do not restart the scrolling
    }
    track.setAttribute("data-titles", titles.join("\n"));
    clear(track);
    (titles.length ? titles : [t("no-bulletins")]).forEach(function (title) {
      track.appendChild(node("span", "", title));
    });
    fitTicker();
  }

  function fitTicker() {
    // About 120 px a second whatever the length of the titles.
    var track = el("hs-ticker");
    var seconds = Math.max(20, Math.round((track.scrollWidth || 1920) / 120));
    track.style.animationDuration = seconds + "s";
  }

  function flash() {
    var box = el("hs-current");
    box.classList.remove("flash");
    void box.offsetWidth;  // restart the animation
    box.classList.add("flash");
  }

  function stampOf(key) {  // "<ticket>-<calls>-<unix seconds of the last call>"
    var parts = (key || "").split("-");
    return parseInt(parts[parts.length - 1], 10) || 0;
  }

  function draw(data) {
    var calls = data.calls || [];
    if (data.unit) { el("hs-unit").textContent = data.unit; }
    drawCurrent(calls[0]);
    drawCalls(calls);
    drawWindows(data.windows || []);
    drawCounts(data.counts || {});
    drawBulletins(data.bulletins || []);
    var newest = calls.length ? calls[0].key : "";
    // Only a newer call chimes: when a ticket put back in the queue leaves the list, an older one becomes the first.
    if (newest && newest !== lastCall && stampOf(newest) >= stampOf(lastCall)) {
      flash();
      chime();
    }
    lastCall = newest;
  }

  // --- polling ----------------------------------------------------------------------------------------------------

  function online(response) {
    var stamp = response && response.headers.get("Date");  // the server's clock, not the TV's
    lastGood = stamp && !isNaN(Date.parse(stamp)) ? new Date(stamp) : new Date();
    el("hs-offline").hidden = true;
  }

  function offline() {
    var banner = el("hs-offline");
    banner.textContent = t("offline").replace("%s", hhmm(lastGood));
    banner.hidden = false;
  }

  function poll() {
    var headers = {"Accept": "application/json"};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, {credentials: "same-origin", cache: "no-store", headers: headers})
      .then(function (response) {
        if (response.status === 401) {
          window.location.replace(body.getAttribute("data-screen-activate"));
          return null;
        }
        if (response.status === 304) {
          online(response);
          return null;
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        var tag = response.headers.get("ETag");
        return response.json().then(function (data) {
          etag = tag || data.etag || "";
          draw(data);
          online(response);
        });
      })
      .catch(offline)
      .then(function () { window.setTimeout(poll, every); });
  }

  function tick() {
    var f = fields(new Date());
    el("hs-clock").textContent = f.year + "-" + f.month + "-" + f.day + " " + f.hour + ":" + f.minute + ":" + f.second;
  }

  document.addEventListener("keydown", unlock);
  document.addEventListener("click", unlock);
  document.addEventListener("touchstart", unlock);
  tick();
  window.setInterval(tick, 1000);
  fitTicker();
  soundHint();
  window.setTimeout(poll, every);
}());
