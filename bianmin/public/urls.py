from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("items/", views.catalogue, name="catalogue"),
    path("lookup/", views.lookup, name="lookup"),
    path("items/<str:code>/", views.guide, name="guide"),
    path("items/<str:code>/v<int:number>/", views.guide_version, name="guide_version"),
    path("items/<str:code>/v<int:number>/materials/<int:material_id>/<str:which>/", views.material_file,
         name="material_file"),
]
