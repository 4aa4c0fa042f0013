/* eldermode speech.js — 朗读: plays the server's audio for the article, sentence by sentence.
 *
 * The page transform wrapped every sentence in <span data-em-seg="N"> (one or more spans per
 * sentence), numbered the items (p, li) of each table's linear reading from the reading's
 * data-em-seg-from="N" (item i is sentence N + i, unless it holds sentence spans of its own),
 * numbered links and buttons with data-em-name="N", and signed the page once (the
 * token in this script's data-em-page); this file sends each sentence back as
 * /__eldermode/speech/seg/TOKEN.N?t=TEXT (with the page's URL and profile, so a server that no
 * longer holds the page's sentences can learn them again) and plays the answer. Nothing plays until the
 * visitor presses a control. Controls are any [data-em-action^="speak"] buttons (the toolbar's, or
 * the minimal bar the transform adds when there is no toolbar):
 *   speak        start / pause / resume the article (title first, tables left to 表格朗读)
 *   speak-pause  pause / resume          speak-stop   stop
 *   speak-rate   语速 normal → slow → fast (kept in localStorage)
 *   speak-point  指读 on/off: when on, the sentence or link/button under the pointer (after a
 *                short rest) or the control under keyboard focus is read
 *   speak-table  表格朗读: the linear reading of the table nearest the viewport
 * The first sentence is requested first; the next one is prefetched while the current one plays.
 * No inline code, no third-party requests, no eval: works under a strict CSP.
 */
(function () {
  "use strict";
  var doc = document;
  var script = doc.currentScript || doc.querySelector('script[data-eldermode="speech"]');
  if (!script) return;
  var ENDPOINT = script.getAttribute("data-em-endpoint") || "/__eldermode/speech/";
  var LANG = script.getAttribute("data-em-lang") === "en" ? "en" : "zh";
  var PAGE = script.getAttribute("data-em-page") || "";
  var PAGE_QUERY = "&u=" + encodeURIComponent(script.getAttribute("data-em-url") || "") +
    "&m=" + encodeURIComponent(script.getAttribute("data-em-profile") || "");
  var T = LANG === "en" ? {
    speak: "Read aloud", pause: "Pause", resume: "Resume", stop: "Stop", reading: "Reading aloud",
    paused: "Paused", stopped: "Stopped", done: "Finished reading", rate: "Speed",
    normal: "normal", slow: "slow", fast: "fast", pointOn: "Point to read on", pointOff: "Point to read off",
    noTable: "No table on this page", unavailable: "Read aloud is not available on this server",
    busy: "The server is busy, retrying", stale: "This page has changed on the server: reload it to read aloud",
    failed: "Read aloud failed"
  } : {
    speak: "朗读", pause: "暂停", resume: "继续", stop: "停止", reading: "开始朗读",
    paused: "已暂停", stopped: "已停止", done: "朗读完毕", rate: "语速",
    normal: "正常", slow: "慢", fast: "快", pointOn: "指读已开启", pointOff: "指读已关闭",
    noTable: "本页没有表格", unavailable: "朗读暂不可用：服务器未安装语音引擎",
    busy: "朗读服务繁忙，正在重试", stale: "页面已更新，请刷新后再朗读", failed: "朗读失败"
  };
  var RATES = ["normal", "slow", "fast"];
  var WS = /[\s\u00a0\u3000\ufeff\u200b]+/g;

  function ready(fn) {
    if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  ready(function () {
    var audio = doc.createElement("audio");
    audio.setAttribute("data-eldermode", "speech-audio");
    audio.preload = "auto";
    audio.hidden = true;
    doc.body.appendChild(audio);

    // Ogg Vorbis is a tenth of the WAV's size; servers without sox answer 406 and we fall back to WAV.
    var format = audio.canPlayType('audio/ogg; codecs="vorbis"') ? "ogg" : "wav";
    var rate = RATES.indexOf(safeGet("em-speech-rate")) >= 0 ? safeGet("em-speech-rate") : "normal";
    var state = "idle"; // idle | playing | paused
    var queue = [];
    var index = 0;
    var current = null;
    var pointMode = false;
    var retries = 0;

    var status = doc.querySelector("[data-em-status]");
    if (!status) {
      status = doc.createElement("div");
      status.className = "em-speech-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      var bar = doc.querySelector('[data-eldermode="speech-controls"]');
      (bar || doc.body).appendChild(status);
    }
    function announce(message) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 60);
    }

    function safeGet(name) {
      try { return window.localStorage.getItem(name); } catch (e) { return null; }
    }
    function safeSet(name, value) {
      try { window.localStorage.setItem(name, value); } catch (e) { /* private mode */ }
    }

    // ------------------------------------------------------------------ sentences

    function segmentsIn(nodes) {
      var byNumber = {};
      var order = [];
      Array.prototype.forEach.call(nodes, function (span) {
        var n = span.getAttribute("data-em-seg");
        if (!byNumber[n]) {
          byNumber[n] = { key: PAGE + "." + n, spans: [] };
          order.push(byNumber[n]);
        }
        byNumber[n].spans.push(span);
      });
      order.forEach(function (seg) {
        seg.text = seg.spans.map(function (s) { return s.textContent; }).join("").replace(WS, " ").trim();
      });
      return order;
    }

    // A table reading's items in order: item i is sentence FROM + i, or its own spans when it has them.
    function readingSegments(details) {
      var from = parseInt(details.getAttribute("data-em-seg-from"), 10);
      var out = [];
      Array.prototype.forEach.call(details.querySelectorAll("p, li"), function (item, i) {
        var spans = item.querySelectorAll("[data-em-seg]");
        if (spans.length) {
          out.push.apply(out, segmentsIn(spans));
        } else if (!isNaN(from)) {
          var text = item.textContent.replace(WS, " ").trim();
          if (text) out.push({ key: PAGE + "." + (from + i), spans: [item], text: text });
        }
      });
      return out;
    }

    function articleSegments() {
      var all = doc.querySelectorAll("[data-em-seg]");
      return segmentsIn(Array.prototype.filter.call(all, function (span) {
        return !span.closest("details, [data-eldermode='toolbar']");
      }));
    }

    function urlFor(seg, fmt) {
      return ENDPOINT + "seg/" + encodeURIComponent(seg.key) + "?l=" + LANG + "&r=" + rate +
        "&f=" + (fmt || format) + PAGE_QUERY + "&t=" + encodeURIComponent(seg.text);
    }

    // ------------------------------------------------------------------ controls

    function buttons(action) {
      return doc.querySelectorAll('[data-em-action="' + action + '"]');
    }
    function each(action, fn) { Array.prototype.forEach.call(buttons(action), fn); }

    function render() {
      each("speak", function (b) {
        b.setAttribute("aria-pressed", state === "playing" ? "true" : "false");
      });
      each("speak-pause", function (b) {
        b.hidden = state === "idle";
        b.textContent = state === "paused" ? T.resume : T.pause;
      });
      each("speak-stop", function (b) { b.hidden = state === "idle"; });
      each("speak-point", function (b) { b.setAttribute("aria-pressed", pointMode ? "true" : "false"); });
      each("speak-rate", function (b) {
        if (!b.hasAttribute("data-em-label")) b.setAttribute("data-em-label", b.textContent);
        b.textContent = b.getAttribute("data-em-label") + (LANG === "en" ? ": " : "：") + T[rate];
      });
    }

    function highlight(seg) {
      Array.prototype.forEach.call(doc.querySelectorAll(".em-say-current"), function (el) {
        el.classList.remove("em-say-current");
      });
      if (!seg || !seg.spans.length) return;
      seg.spans.forEach(function (el) { el.classList.add("em-say-current"); });
      var box = seg.spans[0].getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) {
        seg.spans[0].scrollIntoView({ block: "center" });
      }
    }

    function prefetch(seg) {
      // warms the server's cache (and the browser's: sentence URLs are immutable)
      if (seg && window.fetch) window.fetch(urlFor(seg), { credentials: "same-origin" }).catch(function () {});
    }

    function playAt(i) {
      if (i >= queue.length) {
        finish(T.done);
        return;
      }
      index = i;
      current = queue[i];
      highlight(current);
      audio.playbackRate = 1;
      audio.src = urlFor(current);
      state = "playing";
      render();
      var started = audio.play();
      if (started && started.catch) {
        started.catch(function (err) {
          if (err && err.name === "NotAllowedError") { state = "paused"; render(); }
        });
      }
    }

    function start(segments) {
      if (!segments.length) return;
      queue = segments;
      retries = 0;
      announce(T.reading);
      playAt(0);
    }

    function pause() {
      audio.pause();
      state = "paused";
      render();
      announce(T.paused);
    }

    function resume() {
      state = "playing";
      render();
      audio.play();
    }

    function finish(message) {
      audio.pause();
      audio.removeAttribute("src");
      audio.load();
      state = "idle";
      queue = [];
      current = null;
      highlight(null);
      render();
      if (message) announce(message);
    }

    audio.addEventListener("playing", function () {
      retries = 0;
      prefetch(queue[index + 1]);
    });
    audio.addEventListener("ended", function () {
      if (state === "playing") playAt(index + 1);
    });
    audio.addEventListener("error", function () {
      if (!current || state === "idle") return;
      if (current.quiet) { finish(null); return; } // a control's name: relabelled by script, say nothing
      var failedUrl = urlFor(current);
      // find out why: the media element does not expose the HTTP status
      window.fetch(failedUrl, { credentials: "same-origin" }).then(function (response) {
        if (response.status === 406 && format !== "wav") {
          format = "wav";
          playAt(index);
        } else if (response.status === 429 && retries < 5) {
          retries += 1;
          announce(T.busy);
          var wait = parseInt(response.headers.get("Retry-After") || "2", 10) * 1000;
          window.setTimeout(function () { if (state === "playing") playAt(index); }, wait);
        } else if (response.status === 503) {
          finish(T.unavailable);
        } else if (response.status === 403) {
          finish(T.stale);
        } else if (response.ok && format !== "wav") {
          format = "wav"; // the browser could not decode it
          playAt(index);
        } else {
          finish(T.failed);
        }
      }).catch(function () { finish(T.failed); });
    });

    function cycleRate() {
      rate = RATES[(RATES.indexOf(rate) + 1) % RATES.length];
      safeSet("em-speech-rate", rate);
      render();
      announce(T.rate + (LANG === "en" ? ": " : "：") + T[rate]);
      if (state !== "idle" && current) playAt(index); // the same sentence again at the new speed
    }

    function nearestTableReading() {
      var readings = doc.querySelectorAll("details[data-eldermode='table-reading']");
      if (!readings.length) return null;
      var active = doc.activeElement;
      var best = null;
      var bestDistance = Infinity;
      Array.prototype.forEach.call(readings, function (details) {
        var table = details.previousElementSibling;
        if (active && ((table && table.contains(active)) || details.contains(active))) {
          best = details;
          bestDistance = -1;
          return;
        }
        var box = (table || details).getBoundingClientRect();
        var distance = box.bottom < 0 ? -box.bottom : box.top > window.innerHeight ? box.top - window.innerHeight : 0;
        if (distance < bestDistance) { best = details; bestDistance = distance; }
      });
      return best;
    }

    function readTable() {
      var details = nearestTableReading();
      if (!details) { announce(T.noTable); return; }
      details.open = true;
      finish(null);
      start(readingSegments(details));
    }

    // 指读: only while switched on. The pointer reads the sentence under it (after a short rest, so
    // moving across the page is quiet) or the link/button under it; keyboard focus reads the
    // focused control's name. Controls carry data-em-name, numbered like sentences.
    var pointTimer = 0;
    function sentenceAt(target) {
      var span = target.closest("[data-em-seg]");
      if (!span) return itemAt(target);
      var n = span.getAttribute("data-em-seg");
      return segmentsIn(doc.querySelectorAll('[data-em-seg="' + n + '"]'))[0];
    }
    function itemAt(target) {
      var details = target.closest("details[data-em-seg-from]");
      var item = details && target.closest("p, li");
      if (!item || !details.contains(item)) return null;
      var from = parseInt(details.getAttribute("data-em-seg-from"), 10);
      var text = item.textContent.replace(WS, " ").trim();
      if (isNaN(from) || !text || item.querySelector("[data-em-seg]")) return null;
      var i = Array.prototype.indexOf.call(details.querySelectorAll("p, li"), item);
      return { key: PAGE + "." + (from + i), spans: [item], text: text };
    }
    function nameOf(target) {
      var el = target.closest("[data-em-name]");
      if (!el) return null;
      var text = (el.getAttribute("aria-label") || el.getAttribute("data-em-label") || el.textContent);
      return { key: PAGE + "." + el.getAttribute("data-em-name"), text: text.replace(WS, " ").trim(), spans: [el],
        quiet: true };
    }
    function pointAt(seg) {
      if (!pointMode || !seg) return;
      if (current && current.key === seg.key && current.text === seg.text && state === "playing") return;
      finish(null);
      start([seg]);
    }
    doc.addEventListener("mouseover", function (event) {
      if (!pointMode || !event.target.closest) return;
      window.clearTimeout(pointTimer);
      var target = event.target;
      pointTimer = window.setTimeout(function () { pointAt(sentenceAt(target) || nameOf(target)); }, 450);
    });
    doc.addEventListener("focusin", function (event) {
      if (!pointMode || !event.target.closest) return;
      if (event.target.closest('[data-em-action="speak-point"]')) return; // it just announced itself
      pointAt(nameOf(event.target) || sentenceAt(event.target));
    });

    doc.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest('[data-em-action^="speak"]');
      if (!button) return;
      event.preventDefault();
      switch (button.getAttribute("data-em-action")) {
        case "speak":
          if (state === "idle") start(articleSegments());
          else if (state === "playing") pause();
          else resume();
          break;
        case "speak-pause":
          if (state === "playing") pause();
          else if (state === "paused") resume();
          break;
        case "speak-stop":
          finish(T.stopped);
          break;
        case "speak-rate":
          cycleRate();
          break;
        case "speak-point":
          pointMode = !pointMode;
          if (!pointMode) window.clearTimeout(pointTimer);
          render();
          announce(pointMode ? T.pointOn : T.pointOff);
          break;
        case "speak-table":
          readTable();
          break;
      }
    });
    doc.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && state !== "idle") finish(T.stopped);
    });

    // Reaching for a 朗读 control (pointer or focus) wakes the server's engine before the click.
    var warmed = false;
    function warm(event) {
      if (warmed || !event.target.closest || !event.target.closest('[data-em-action^="speak"]')) return;
      warmed = true;
      if (window.fetch) window.fetch(ENDPOINT + "status", { credentials: "same-origin" }).catch(function () {});
    }
    doc.addEventListener("pointerover", warm);
    doc.addEventListener("focusin", warm);

    // The transform hides its own controls until this file runs (they need JavaScript).
    Array.prototype.forEach.call(
      doc.querySelectorAll('[data-eldermode="speech-controls"] [data-em-action="speak"]'),
      function (b) { b.hidden = false; }
    );
    render();
  });
})();
