"""Goldens for the project's own access pages (tests/fixtures/access/): what each must get in 无障碍 mode.

Written by hand from what each page is — a 12345 letter form, a 政务服务 item
page, a county notice saved as GB2312 and as GBK — not from running the code:
its one level-1 heading, its landmarks (which block is the banner, the menu,
the breadcrumb, main, the footer), the names of its fields and pictures, and
what a listener must not hear. Fast: the access pipeline on the tree, no browser
(tests/test_access_corpus.py runs axe-core on the same pages).
"""

from __future__ import annotations

import json

import lxml.html
import pytest

import support
from eldermode.transforms import Context, Profile
from eldermode.transforms.landmarks import existing_landmarks
from eldermode.transforms.pipeline import rewrite_page
from eldermode.transforms.textwalk import compact

OWN_DIR = support.TESTS_DIR / "fixtures" / "access"
MANIFEST = json.loads((OWN_DIR / "pages.json").read_text(encoding="utf-8"))

NOTICE = {
    "h1": "关于做好2024年度城乡居民医疗保险参保缴费工作的通知",
    # The notice's own numbered sections, right below its title.
    "headings": [("一、参保范围", 2), ("二、缴费标准", 2)],
    "landmarks": {
        "banner": ["top_banner.jpg"],  # the masthead picture's table row
        "navigation": ["网站首页信息公开办事服务"],
        "main": ["为做好2024年度城乡居民基本医疗保险参保缴费工作"],
        "contentinfo": ["版权所有：示例县人民政府"],
    },
    "outside_main": ["网站首页", "版权所有"],
    "images": {
        "top_banner.jpg": "示例县人民政府",  # the site's masthead: its name
        "20230901093512.jpg": "图1 参保缴费流程",  # named by the caption below it
    },
    "fields": {},
    "not_heard": ["|"],
}

GOLDEN: dict[str, dict] = {
    "hotline-12345.html": {
        "h1": "12345政务服务便民热线 我要写信",
        "headings": [],
        "landmarks": {
            "banner": ["logo.png"],
            "navigation": ["首页政务公开政务服务互动交流", "当前位置"],
            "main": ["姓名"],  # the letter form is the page's content
            "contentinfo": ["主办：示例市人民政府办公室"],
        },
        "outside_main": ["欢迎访问", "主办："],
        "images": {
            "logo.png": "示例市人民政府",  # the home link's logo: the site's name
            "ValidateCode": "验证码图片，点击可更换",
            "red.png": "党政机关网站标识",  # the conac.cn badge
            "dqwz-icon.png": "",  # the breadcrumb's icon says nothing the words do not
        },
        "fields": {"xm": "姓名", "lxdh": "联系电话", "lx": "信件类型", "bt": "信件标题", "nr": "信件内容", "yzm": "验证码"},
        "buttons": {"submit": "提交", "reset": "重置"},
        # The floating 12345 ad goes; the site's own 无障碍浏览 / 长者模式 are duplicates of the toolbar.
        "gone": ["piaochuang12345.gif"],
        "not_heard": ["|", "无障碍浏览", "长者模式"],
    },
    "zwfw-service.html": {
        "h1": "示例市政务服务网",  # no title line on the page: the document's title, for readers only
        "headings": [],
        "landmarks": {
            "banner": ["zwfw-sitename.png"],
            "search": [],
            "navigation": ["首页个人办事法人办事部门服务"],
            "main": ["事项名称：城乡居民基本养老保险参保登记"],
            "contentinfo": ["示例市政务服务管理办公室"],
        },
        "outside_main": ["首页", "主办"],
        "images": {},
        "fields": {"kw": "搜索关键字"},
        "buttons": {"button": "搜索"},
        "not_heard": ["|"],
    },
    "notice-gb2312.html": NOTICE,
    # The same notice in GBK, with characters GB2312 lacks (镕, 堃) in its first section heading.
    "notice-gbk.html": {**NOTICE, "headings": [("一、参保范围（含镕、堃等生僻字姓名登记）", 2), ("二、缴费标准", 2)]},
}


def test_every_own_page_has_a_golden():
    assert sorted(GOLDEN) == sorted(MANIFEST)


def rewritten(name: str) -> lxml.html.HtmlElement:
    ctx = Context(profile=Profile(mode="access"), url="/" + name)
    out = rewrite_page((OWN_DIR / name).read_bytes(), MANIFEST[name]["content_type"], ctx)
    return lxml.html.document_fromstring(out)


def page_part(root) -> lxml.html.HtmlElement:
    """The body without eldermode's own bars, skip link and the hidden box of set-aside duplicates."""
    body = root.find("body")
    for el in list(body.iter()):
        if isinstance(el.tag, str) and el.get("data-eldermode") not in (None, "landmark", "heading", "separator"):
            el.drop_tree()
    return body


def heard(el) -> str:
    """What a reader reads out of ``el``: its text and image names, without hidden parts or drawn separators."""
    parts: list[str] = []
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        if node.get("hidden") is not None or node.get("aria-hidden") == "true":
            continue
        if any(a.get("hidden") is not None or a.get("aria-hidden") == "true" for a in node.iterancestors()):
            continue
        if node.tag in ("script", "style"):
            continue
        parts.append(node.text or "")
        if node.tag == "img":
            parts.append(node.get("alt") or "")
        if node is not el:
            parts.append(node.tail or "")
    return compact("".join(parts))


def landmark_text(el) -> str:
    return compact(el.text_content()) + " ".join(img.get("src") or "" for img in el.iter("img"))


def one_h1(body) -> lxml.html.HtmlElement:
    found = [el for el in body.iter() if isinstance(el.tag, str) and (
        el.tag == "h1" and el.get("aria-level") in (None, "1") or el.get("aria-level") == "1" and (
            el.get("role") == "heading" or el.tag in ("h2", "h3", "h4", "h5", "h6")))]
    assert len(found) == 1, [el.text_content() for el in found]
    return found[0]


@pytest.fixture(scope="module", params=sorted(GOLDEN))
def own(request):
    return request.param, GOLDEN[request.param], page_part(rewritten(request.param))


def test_one_level_one_heading_says_what_the_page_is(own):
    _, golden, body = own
    assert compact(one_h1(body).text_content()) == compact(golden["h1"])


def test_numbered_sections_are_headings_at_their_level(own):
    _, golden, body = own
    found = [(compact(el.text_content()), int(el.get("aria-level"))) for el in body.iter()
             if isinstance(el.tag, str) and el.get("role") == "heading" and el.get("aria-level") != "1"]
    assert found == [(compact(text), level) for text, level in golden["headings"]]


def test_landmarks_are_the_blocks_the_page_is_made_of(own):
    _, golden, body = own
    landmarks = existing_landmarks(body)
    for role, texts in golden["landmarks"].items():
        els = landmarks.get(role, [])
        if role == "main":
            assert len(els) == 1
        assert els, f"no {role}"
        for text in texts:
            assert any(compact(text) in landmark_text(el) for el in els), (role, text)
    main = landmarks["main"][0]
    for text in golden["outside_main"]:
        assert compact(text) not in compact(main.text_content()), text


def test_pictures_have_the_names_they_mean(own):
    _, golden, body = own
    for src_part, name in golden["images"].items():
        imgs = [img for img in body.iter("img") if src_part in (img.get("src") or "")]
        assert len(imgs) == 1, src_part
        img = imgs[0]
        if name == "":
            assert img.get("alt") == ""
            continue
        link = next((a for a in img.iterancestors("a")), None)
        said = [img.get("alt") or "", img.get("aria-label") or ""]
        if link is not None:
            said.append(link.get("aria-label") or "")
        assert any(compact(name) == compact(s) for s in said), (src_part, said)


def test_form_fields_and_buttons_are_named(own):
    _, golden, body = own
    labels = {lab.get("for"): compact(lab.text_content()) for lab in body.iter("label") if lab.get("for")}
    for field_name, name in golden["fields"].items():
        field = [f for f in body.iter("input", "select", "textarea") if f.get("name") == field_name]
        assert len(field) == 1, field_name
        said = field[0].get("aria-label") or labels.get(field[0].get("id")) or field[0].get("title") or ""
        assert compact(said).rstrip("：:") == compact(name), (field_name, said)
    for kind, name in golden.get("buttons", {}).items():
        buttons = [b for b in body.iter("input") if (b.get("type") or "").lower() == kind]
        assert buttons, kind
        assert all(compact(b.get("aria-label") or b.get("value") or b.get("alt") or "") == name for b in buttons), kind


def test_what_a_listener_must_not_hear(own):
    _, golden, body = own
    text = heard(body)
    for word in golden["not_heard"]:
        assert compact(word) not in text, word
    for src_part in golden.get("gone", []):
        assert not [img for img in body.iter("img") if src_part in (img.get("src") or "")], src_part
