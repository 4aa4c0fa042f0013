/* eldermode toolbar.js — upgrades the server-rendered 辅助工具条 in place.
 *
 * Without this file the toolbar already works (a GET form and links; the server renders the
 * chosen sizes and colours). With it: choices apply at once by changing the data-em-* marks on
 * <html> and the eldermode cookie (same format as the server's Profile.to_cookie), aria-pressed
 * stays true to the state, every change is announced in the polite live region, arrow keys move
 * between controls (one Tab stop, 设置 included; Escape closes its panel), and Alt+Shift shortcuts work
 * (listed on the help page). Pages inside a frame are marked em-framed: no toolbar there.
 * No inline code, no third-party requests, no eval: works under a strict CSP.
 * The 朗读 buttons ([data-em-action^="speak"]) belong to speech.js; this file leaves them alone.
 */
(function () {
  "use strict";
  var doc = document;
  var html = doc.documentElement;
  html.classList.add("em-js");
  // A page inside a frame: the page around it has the toolbar (toolbar.css hides this one).
  try { if (window.self !== window.top) html.classList.add("em-framed"); } catch (e) { html.classList.add("em-framed"); }

  var CHOICES = {
    text: ["standard", "large", "xlarge"],
    contrast: ["default", "high", "yellow"],
    spacing: ["normal", "wide"],
    cursor: ["normal", "large"],
    guide: ["off", "on"]
  };
  var COOKIE = "eldermode"; // replaced below by the deployment's cookie name (data-em-cookie)

  function ready(fn) {
    if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  ready(function () {
    var bar = doc.querySelector('[data-eldermode="toolbar"]');
    if (!bar) return;
    var named = bar.getAttribute("data-em-cookie");
    if (named && /^[A-Za-z0-9_-]+$/.test(named)) COOKIE = named;
    var form = bar.querySelector("form.em-tb");
    var status = bar.querySelector("[data-em-status]");
    if (!form || !status) return;
    var onWord = status.getAttribute("data-em-on") || "on";
    var offWord = status.getAttribute("data-em-off") || "off";

    function current(name) {
      return html.getAttribute("data-em-" + name) || CHOICES[name][0];
    }

    function writeCookie() {
      var tokens = [html.getAttribute("data-em-mode") || "off"];
      Object.keys(CHOICES).forEach(function (name) {
        var value = current(name);
        if (value !== CHOICES[name][0]) tokens.push(name + "-" + value);
      });
      var secure = location.protocol === "https:" ? "; Secure" : "";
      doc.cookie = COOKIE + "=" + tokens.join(".") + "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
    }

    var lastMessage = "";
    function announce(message) {
      // Re-announce an identical message: empty the region first, then fill it on the next frame.
      status.textContent = "";
      lastMessage = message;
      window.setTimeout(function () { status.textContent = lastMessage; }, 60);
    }

    function groupLabel(button) {
      var group = button.closest('[role="group"]');
      if (!group) return "";
      var label = group.getAttribute("aria-labelledby");
      var named = label && doc.getElementById(label);
      return named ? named.textContent : group.getAttribute("aria-label") || "";
    }

    function refresh() {
      var buttons = form.querySelectorAll("button[data-em-choice]");
      Array.prototype.forEach.call(buttons, function (button) {
        var name = button.getAttribute("data-em-choice");
        var value = current(name);
        var on = button.getAttribute("data-em-on");
        var step = button.getAttribute("data-em-step");
        if (on) {
          var pressed = value === on;
          button.setAttribute("aria-pressed", pressed ? "true" : "false");
          button.value = pressed ? button.getAttribute("data-em-off") : on;
        } else if (step) {
          var levels = CHOICES[name];
          var index = levels.indexOf(value) + parseInt(step, 10);
          button.value = levels[Math.max(0, Math.min(levels.length - 1, index))];
        } else if (button.hasAttribute("aria-pressed")) {
          button.setAttribute("aria-pressed", button.value === value ? "true" : "false");
        }
      });
      guide(current("guide") === "on");
    }

    function choose(name, value) {
      if (!CHOICES[name] || CHOICES[name].indexOf(value) < 0) return false;
      html.setAttribute("data-em-" + name, value);
      writeCookie();
      refresh();
      return true;
    }

    function labelFor(name, value) {
      var match = form.querySelector('button[data-em-choice="' + name + '"][value="' + value + '"]:not([data-em-step])');
      return match ? match.textContent : value;
    }

    function press(button) {
      var name = button.getAttribute("data-em-choice");
      var value = button.value;
      var before = current(name);
      if (!choose(name, value)) return;
      var on = button.getAttribute("data-em-on");
      var message;
      if (on) message = button.textContent + " " + (value === on ? onWord : offWord);
      else message = groupLabel(button) + "：" + labelFor(name, current(name));
      if (before === current(name) && button.getAttribute("data-em-step")) message += " ✓";
      announce(message);
    }

    function reset() {
      Object.keys(CHOICES).forEach(function (name) { html.setAttribute("data-em-" + name, CHOICES[name][0]); });
      writeCookie();
      refresh();
      var link = form.querySelector('[data-em-action="reset"]');
      announce((link ? link.textContent : "reset") + "：" + labelFor("text", "standard"));
    }

    form.addEventListener("click", function (event) {
      var target = event.target.closest("button[data-em-choice], a[data-em-action='reset']");
      if (!target || !form.contains(target)) return;
      event.preventDefault();
      if (target.tagName === "A") reset();
      else press(target);
    });

    // ---------------------------------------------------------------- 设置: Escape closes the panel
    var settings = form.querySelector("details.em-tb-settings");
    if (settings) {
      settings.addEventListener("keydown", function (event) {
        if (event.key !== "Escape" || !settings.open) return;
        settings.open = false;
        var summary = settings.querySelector("summary");
        if (summary) rove(summary);
      });
    }

    // ---------------------------------------------------------------- one Tab stop, arrows inside
    function controls() {
      return Array.prototype.filter.call(form.querySelectorAll("button, a[href], summary"), function (el) {
        return el.offsetParent !== null || el.getClientRects().length > 0;
      });
    }
    function rove(target) {
      controls().forEach(function (el) { el.tabIndex = el === target ? 0 : -1; });
      target.focus();
    }
    (function initRoving() {
      var all = controls();
      all.forEach(function (el, i) { el.tabIndex = i === 0 ? 0 : -1; });
    })();
    form.addEventListener("focusin", function (event) {
      var all = controls();
      if (all.indexOf(event.target) >= 0) all.forEach(function (el) { el.tabIndex = el === event.target ? 0 : -1; });
    });
    form.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      var all = controls();
      var index = all.indexOf(doc.activeElement);
      if (index < 0) return;
      var next = null;
      if (event.key === "ArrowRight" || event.key === "ArrowDown") next = all[(index + 1) % all.length];
      else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = all[(index - 1 + all.length) % all.length];
      else if (event.key === "Home") next = all[0];
      else if (event.key === "End") next = all[all.length - 1];
      if (next) {
        event.preventDefault();
        rove(next);
      }
    });

    // ---------------------------------------------------------------- Alt+Shift shortcuts (never single keys)
    function clickChoice(selector) {
      var button = form.querySelector(selector);
      if (button) press(button);
    }
    doc.addEventListener("keydown", function (event) {
      if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
      var handled = true;
      switch (event.code) {
        case "KeyT": {
          var first = controls().filter(function (el) { return el.tabIndex === 0; })[0] || controls()[0];
          if (first) first.focus();
          break;
        }
        case "Equal": case "NumpadAdd": clickChoice('button[data-em-step="1"]'); break;
        case "Minus": case "NumpadSubtract": clickChoice('button[data-em-step="-1"]'); break;
        case "KeyC": {
          var schemes = CHOICES.contrast;
          var next = schemes[(schemes.indexOf(current("contrast")) + 1) % schemes.length];
          clickChoice('button[data-em-choice="contrast"][value="' + next + '"]');
          break;
        }
        case "KeyL": clickChoice('button[data-em-choice="spacing"]'); break;
        case "KeyM": clickChoice('button[data-em-choice="cursor"]'); break;
        case "KeyG": clickChoice('button[data-em-choice="guide"]'); break;
        case "KeyR": {
          var speak = form.querySelector('[data-em-action="speak"]');
          if (speak) speak.click();
          break;
        }
        case "Digit0": reset(); break;
        case "KeyH": {
          var help = form.querySelector('[data-em-link="help"]');
          if (help) location.href = help.href;
          break;
        }
        default: handled = false;
      }
      if (handled) event.preventDefault();
    });

    // ---------------------------------------------------------------- reading guide (阅读辅助线)
    var line = null;
    function follow(event) {
      if (line) line.style.top = event.clientY + 12 + "px";
    }
    function guide(on) {
      if (on && !line) {
        line = doc.createElement("div");
        line.className = "em-guide-line";
        line.setAttribute("aria-hidden", "true");
        line.setAttribute("data-eldermode", "guide");
        doc.body.appendChild(line);
        doc.addEventListener("mousemove", follow, { passive: true });
      } else if (!on && line) {
        doc.removeEventListener("mousemove", follow);
        line.parentNode.removeChild(line);
        line = null;
      }
    }
    // ---------------------------------------------------------------- pictures that did not load collapse
    function broken(img) { img.setAttribute("data-em-broken", ""); }
    Array.prototype.forEach.call(doc.images, function (img) {
      if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) broken(img);
      else img.addEventListener("error", function () { broken(img); }, { once: true });
    });
    // ---------------------------------------------------------------- tables: the grid open on wide screens
    // Phones read the cards with the grid behind 查看原表格; wider screens get the grid itself, open
    // (elder.css already shows it without JavaScript; open also puts it in the accessibility tree).
    if (window.matchMedia) {
      var wide = window.matchMedia("(min-width: 481px)");
      var openGrids = function () {
        Array.prototype.forEach.call(doc.querySelectorAll("details.em-table-grid"), function (grid) {
          grid.open = wide.matches;
        });
      };
      openGrids();
      if (wide.addEventListener) wide.addEventListener("change", openGrids);
    }
    // ---------------------------------------------------------------- wide tables say that they scroll
    function markOverflow() {
      Array.prototype.forEach.call(doc.querySelectorAll(".em-table-scroll"), function (box) {
        if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("data-em-overflows", "");
        else box.removeAttribute("data-em-overflows");
      });
    }
    markOverflow();
    window.addEventListener("resize", markOverflow, { passive: true });
    doc.addEventListener("toggle", markOverflow, true);
    // ---------------------------------------------------------------- calm page: stop carousels we can ask
    if (html.getAttribute("data-em-mode") === "elder") {
      Array.prototype.forEach.call(doc.querySelectorAll(".swiper, .swiper-container"), function (el) {
        if (el.swiper && el.swiper.autoplay && el.swiper.autoplay.stop) el.swiper.autoplay.stop();
      });
      Array.prototype.forEach.call(doc.querySelectorAll("video[autoplay], audio[autoplay]"), function (media) {
        media.pause();  // added after the server's rewrite by a script
      });
    }
    refresh();
  });
})();
