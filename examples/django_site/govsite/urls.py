"""Every path is a file of the demo site (pages, css/, images/, js/), as a CMS would serve it."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.page, {"name": "index.html"}),
    path("notice", views.notice),
    re_path(r"^(?P<name>[A-Za-z0-9_./-]+)$", views.page),
]
