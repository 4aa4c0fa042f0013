"""Views of the example project: the demo site's files, and one page rendered by Django itself.

The GBK copy of the report is labelled ``charset=gb2312`` the way such CMSs send it. Django's
response headers keep their case (``Content-Type``), which is what the example proves eldermode reads.
"""

from __future__ import annotations

import mimetypes

from django.http import Http404, HttpResponse

from eldermode.middleware.demo import site_dir

GBK_SUFFIX = "-gbk.html"


def page(request, name: str) -> HttpResponse:
    site = site_dir().resolve()
    path = (site / name).resolve()
    if site not in path.parents or not path.is_file():
        raise Http404(name)
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if content_type == "text/html":
        content_type += "; charset=gb2312" if path.name.endswith(GBK_SUFFIX) else "; charset=utf-8"
    return HttpResponse(path.read_bytes(), content_type=content_type)


def notice(request) -> HttpResponse:
    return HttpResponse(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>通知公告-鄂城区人民政府</title></head>"
        "<body><div class=\"position\">当前位置：首页 &gt; 通知公告</div>"
        "<p style=\"font-size:12px\">元旦期间，区政务服务中心实行值班制度。</p></body></html>",
        content_type="text/html; charset=utf-8",
    )
