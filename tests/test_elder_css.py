"""transforms/css.py: value helpers, contrast maths, stylesheet analysis (cssutils, read-only) and override rules."""

from __future__ import annotations

import logging

import pytest

from eldermode.transforms.css import (
    adjust_for_contrast,
    adjust_pair,
    analyse_stylesheet,
    contrast_ratio,
    font_size_px,
    override_rules,
    parse_color,
    split_declarations,
    split_top_level_rules,
)

MODERN = """
:is(h1, h2) .x { color: #777; }
.card { & .title { font-size: 12px; } }
@supports (display: grid) { .grid { display: grid; font-size: 11px; } }
@container side (min-width: 400px) { .c { font-size: clamp(12px, 1vw + 10px, 18px); } }
.plain { font-size: 28px; }
.c2 { color: rgb(0 0 0 / 50%); }
"""


def test_split_declarations_respects_quotes_urls_and_comments():
    decls = split_declarations("a:1; b: url(x;y.png) ; c:'p;q' !important;/* d:2; */e:3;garbage")
    assert [(d.prop, d.value, d.important) for d in decls] == [
        ("a", "1", False), ("b", "url(x;y.png)", False), ("c", "'p;q'", True), ("e", "3", False), ("", "", False),
    ]


@pytest.mark.parametrize("value, px", [("12px", 12), ("10.5pt", 14), ("9pt", 12), ("small", 13), ("1em", None), ("0", 0)])
def test_font_size_px(value, px):
    assert font_size_px(value) == px


@pytest.mark.parametrize(
    "value, rgb",
    [("#fff", (255, 255, 255)), ("#8e0c13", (142, 12, 19)), ("rgb(0, 128, 255)", (0, 128, 255)),
     ("rgb(0 0 0 / 50%)", None), ("transparent", None), ("hsl(0, 100%, 50%)", (255, 0, 0)), ("var(--x)", None)],
)
def test_parse_color(value, rgb):
    assert parse_color(value) == rgb


def test_contrast_ratio_known_values():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 0), (0, 0, 0)) == pytest.approx(19.56, abs=0.01)
    assert contrast_ratio((0x99, 0x99, 0x99), (255, 255, 255)) == pytest.approx(2.85, abs=0.01)


@pytest.mark.parametrize("target", [4.5, 7.0])
def test_adjust_for_contrast_reaches_target_on_light_and_dark(target):
    for fg, bg in (((0x99, 0x99, 0x99), (255, 255, 255)), ((0x80, 0, 0), (0, 0, 0)), ((0xE6, 0xB3, 0xB6), (0x8E, 0x0C, 0x13))):
        adjusted = adjust_for_contrast(fg, bg, target)
        assert contrast_ratio(adjusted, bg) >= target


def test_adjust_pair_deepens_a_band_no_text_colour_can_reach():
    red = (0xB5, 0x12, 0x1B)
    assert contrast_ratio((255, 255, 255), red) < 7  # white on this red: 6.8:1
    fg, bg = adjust_pair((255, 255, 255), red, 7.0)
    assert contrast_ratio(fg, bg) >= 7.0
    assert bg != red and bg[0] > bg[1]  # still a red, only deeper


def test_split_top_level_rules_keeps_blocks_and_statements():
    rules = split_top_level_rules('@import "a.css"; a{color:red} @media screen{b{c:d}} /* x{} */ }')
    assert rules == [('@import "a.css"', ""), ("a", "color:red"), ("@media screen", "b{c:d}")]


def test_analysis_reads_small_fixed_sizes_heights_and_bands():
    analysis = analyse_stylesheet(
        "body{font-size:12px;color:#333}\n.title{font-size:24px}\n.nav{height:44px;background:#8e0c13;color:#fff}\n"
        ".nav a{color:#e6b3b6}\n.logo{font-size:0;text-indent:-999px}\n.pop{position:fixed}\n"
        "@media print{.title{font-size:8pt}}\n"
    )
    assert analysis.complete
    assert analysis.font_sizes == [(".title", "1.71rem")]
    assert analysis.hidden_text == [".logo"]
    assert analysis.fixed_heights == [".nav"]
    assert analysis.positioned == [".pop"]
    rules = override_rules([analysis])
    assert 'html[data-em-mode="elder"] .title{font-size:1.71rem !important}' in rules
    assert 'html[data-em-mode="elder"] .logo{font-size:0 !important}' in rules
    assert "8pt" not in rules  # print rules are not screen rules
    # The nav band is kept with its links recoloured to at least 4.5:1 against it.
    band_rule = next(line for line in rules.splitlines() if line.endswith("background-color:#8e0c13 !important}"))
    assert '[data-em-contrast="default"] .nav{' in band_rule
    link_rule = next(line for line in rules.splitlines() if " .nav a{" in line)
    colour = parse_color(link_rule.split("color:")[1].split(" ")[0])
    assert contrast_ratio(colour, (0x8E, 0x0C, 0x13)) >= 4.5


def test_modern_css_is_skipped_not_misread():
    analysis = analyse_stylesheet(MODERN)
    # cssutils never sees :is() or nesting; @supports/@container bodies are read (their rules apply on screens).
    assert (".plain", "2rem") in analysis.font_sizes
    assert all(":is" not in selector and "&" not in selector for selector, _ in analysis.font_sizes)
    assert analysis.rules_skipped >= 2
    assert analysis.complete


def test_malformed_sheet_is_read_around():
    analysis = analyse_stylesheet("a{color:red;;;}} b{font-size:30px c{ @media {{{ .x{font-size:40px}")
    assert isinstance(analysis.rules_read, int)  # no exception, whatever survives


def test_time_budget_cuts_a_huge_sheet_short():
    huge = "".join(f".r{i} .s{i} > a:hover{{font-size:{10 + i % 20}px;color:#{i % 999:03d}}}\n" for i in range(20000))
    analysis = analyse_stylesheet(huge, budget_s=0.2)
    assert not analysis.complete and analysis.reason == "time budget"
    assert analysis.rules_read < 20000  # stopped part-way (how far depends on the machine)


def test_giant_rule_is_skipped_and_the_rest_read():
    inlined_image = "background:url(data:image/png;base64," + "A" * 40000 + ");font-size:30px"
    analysis = analyse_stylesheet(f".big{{{inlined_image}}} .next{{font-size:28px}}")
    assert analysis.font_sizes == [(".next", "2rem")]
    assert analysis.rules_skipped == 1


def test_cssutils_is_silenced(caplog):
    with caplog.at_level(logging.DEBUG):
        analyse_stylesheet(".a{colr:red;font-size:13qx;-x-unknown:1}")
    assert not [r for r in caplog.records if "cssutils" in r.name.lower() or "CSSValue" in r.getMessage()]
