"""Root URLs: public site, staff workbench, admin, API."""
from django.contrib import admin
from django.urls import include, path

from bianmin.api.api import api

admin.site.site_header = "便民 · 系统管理"
admin.site.site_title = "便民系统管理"
admin.site.index_title = "机构、事项目录与工作日历"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("staff/", include("bianmin.backoffice.urls")),
    path("", include("bianmin.public.urls")),
]

handler404 = "bianmin.public.views.not_found"
handler403 = "bianmin.public.views.forbidden"
