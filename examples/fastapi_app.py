"""A FastAPI application with eldermode added as middleware: the "my site is a Python app" way to deploy.

One line does it: ``app.add_middleware(ElderModeMiddleware, settings=Settings())``.
HTML responses get the mode bar and, for visitors who chose one, 长者模式 or
无障碍; the JSON API (and anything that is not a page) passes through
byte for byte.

Run it from the repository root:

    uvicorn examples.fastapi_app:app --port 8002
    # open http://127.0.0.1:8002/notice?eldermode=elder   and   http://127.0.0.1:8002/api/notices
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from eldermode.middleware import ElderModeMiddleware, Settings

SITE_DIR = Path(__file__).resolve().parent / "site"

NOTICES = [
    {"id": 1, "title": "关于2021年元旦放假期间政务服务大厅值班安排的通知", "date": "2020-12-29",
     "hall": "区政务服务中心一楼大厅", "phone": "0711-3222000"},
    {"id": 2, "title": "区政府信息公开申请平台上线试运行的通知", "date": "2020-08-20",
     "hall": "区政务服务中心二楼", "phone": "0711-3222012"},
]

NOTICE_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{title}-鄂城区人民政府</title>
<link href="/css/style.css" rel="stylesheet" type="text/css">
</head>
<body>
<div class="header"><div class="w1200"><a href="/notice"><img src="/images/logo.png" width="520" height="90"></a></div></div>
<div class="w1200">
<div class="position">当前位置：<a href="/notice">首页</a> &gt; 通知公告</div>
<div class="box"><div class="bd" style="padding:20px 40px">
<p style="font-size:20px;font-weight:bold;text-align:center;color:#b5121b">{title}</p>
<p style="font-size:12px;text-align:center;color:#aaa">发布日期：{date}</p>
<p style="font-size:12px;text-indent:2em;line-height:24px">元旦期间（2021年1月1日至1月3日），区政务服务中心实行值班制度，
办理企业开办、社保医保等紧急事项。请办事群众提前电话预约。</p>
<table border="1" cellspacing="0" cellpadding="4" style="font-size:12px;margin:10px auto">
<tr><td><b>地点</b></td><td><b>值班时间</b></td><td><b>咨询电话</b></td></tr>
<tr><td>{hall}</td><td>9:00-12:00</td><td>{phone}</td></tr>
</table>
</div></div>
</div>
</body>
</html>
"""


def build_app(settings: Settings | None = None) -> FastAPI:
    """The example app: an HTML notice page, a JSON API and the demo site's css/ and images/."""
    app = FastAPI(title="鄂城区通知公告 (eldermode example)")

    @app.get("/notice", response_class=HTMLResponse)
    async def notice() -> str:
        return NOTICE_PAGE.format(**NOTICES[0])

    @app.get("/api/notices")
    async def notices() -> list[dict]:
        return NOTICES

    app.mount("/css", StaticFiles(directory=SITE_DIR / "css"), name="css")
    app.mount("/images", StaticFiles(directory=SITE_DIR / "images"), name="images")
    # The whole integration: every response of the app goes through eldermode.
    app.add_middleware(ElderModeMiddleware, settings=settings or Settings())
    return app


app = build_app()
