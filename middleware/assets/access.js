/* access.js: keyboard operation for pseudo-buttons and, in 无障碍 mode, text contrast repair.
 * Served from /__eldermode/assets/; no inline code, no network, no storage. */
(function () {
  "use strict";
  var root = document.documentElement;

  // Elements the access transforms turned into buttons (data-em-button): Enter and Space
  // activate them like a native <button>. A link already answers Enter natively.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target || !target.closest || event.altKey || event.ctrlKey || event.metaKey) return;
    var button = target.closest("[data-em-button]");
    if (!button || button !== target) return;
    var isLink = button.tagName === "A" && button.hasAttribute("href");
    if (event.key === " " || event.key === "Spacebar") {
      event.preventDefault();
      button.click();
    } else if (event.key === "Enter" && !isLink) {
      event.preventDefault();
      button.click();
    }
  });

  // Text whose colour is too close to its background (WCAG 1.4.3: 4.5:1, 3:1 for large
  // text) is darkened or lightened until it passes. Only where the background is a plain
  // colour: text on pictures is left alone rather than guessed.
  function parse(colour) {
    var m = /rgba?\(([^)]+)\)/.exec(colour || "");
    if (!m) return null;
    var p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function channel(v) {
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }
  function luminance(c) {
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  }
  function ratio(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function background(el) {
    for (var node = el; node && node.nodeType === 1; node = node.parentElement) {
      var style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== "none") return null;
      var c = parse(style.backgroundColor);
      if (c && c.a >= 0.99) return c;
      if (c && c.a > 0) return null; // translucent layers: not computed here
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  }
  function hasOwnText(el) {
    var tag = el.tagName;
    if (tag === "INPUT") return !!el.value && !/^(hidden|image|checkbox|radio|range|color|file)$/i.test(el.type);
    if (tag === "SELECT" || tag === "TEXTAREA") return true;
    for (var n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 && n.nodeValue.trim()) return true;
    }
    return false;
  }
  function repairContrast() {
    if (root.getAttribute("data-em-mode") !== "access" || root.getAttribute("data-em-contrast") !== "default") return;
    var all = document.body ? document.body.getElementsByTagName("*") : [];
    var fixed = 0;
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (!hasOwnText(el) || el.closest("[data-eldermode]")) continue;
      var style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.display === "none") continue;
      var fg = parse(style.color);
      var bg = background(el);
      if (!fg || !bg) continue;
      var size = parseFloat(style.fontSize) || 16;
      var bold = parseInt(style.fontWeight, 10) >= 700;
      var needed = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
      needed += 0.1; // headroom for rounding in other checkers
      if (ratio(fg, bg) >= needed) continue;
      var towards = luminance(bg) > 0.18 ? 0 : 255;
      var c = { r: fg.r, g: fg.g, b: fg.b, a: 1 };
      for (var step = 0; step < 20 && ratio(c, bg) < needed; step++) {
        c.r += (towards - c.r) * 0.2;
        c.g += (towards - c.g) * 0.2;
        c.b += (towards - c.b) * 0.2;
      }
      if (ratio(c, bg) < needed) c = towards ? { r: 255, g: 255, b: 255, a: 1 } : { r: 0, g: 0, b: 0, a: 1 };
      el.style.setProperty("color", "rgb(" + Math.round(c.r) + "," + Math.round(c.g) + "," + Math.round(c.b) + ")", "important");
      el.setAttribute("data-em-contrast-fixed", "");
      fixed++;
    }
    return fixed;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", repairContrast);
  } else {
    repairContrast();
  }
})();
