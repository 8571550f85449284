"""Root URLs: public site, staff workbench, admin, API."""
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.http import urlencode

from bianmin.api.api import api

admin.site.site_header = "便民 · 系统管理"
admin.site.site_title = "便民系统管理"
admin.site.index_title = "机构、事项目录与工作日历"

def _admin_login(request):
    # One sign-in for everyone: lockout, audit and session limits live on the staff login page.
    return redirect(f"/staff/login/?{urlencode({'next': request.GET.get('next', '/admin/')})}")


urlpatterns = [
    path("admin/login/", _admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("staff/", include("bianmin.backoffice.urls")),
    path("", include("bianmin.public.urls")),
]

handler400 = "bianmin.public.views.bad_request"
handler404 = "bianmin.public.views.not_found"
handler403 = "bianmin.public.views.forbidden"
