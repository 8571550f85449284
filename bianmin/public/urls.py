from django.urls import path

from . import views, views_complaints, views_rating

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("items/", views.catalogue, name="catalogue"),
    path("lookup/", views.lookup, name="lookup"),
    path("complaints/new/", views_complaints.complaint_new, name="complaint_new"),
    path("complaints/follow/", views_complaints.complaint_follow, name="complaint_follow"),
    path("rate/", views_rating.rate, name="rate"),
    path("pad/", views_rating.pad, name="pad"),
    path("pad/state/", views_rating.pad_state, name="pad_state"),
    path("pad/rate/", views_rating.pad_rate, name="pad_rate"),
    path("pad/activate/", views_rating.pad_activate, name="pad_activate"),
    path("pad/photo/<int:staff_id>/", views_rating.pad_photo, name="pad_photo"),
    path("items/<str:code>/", views.guide, name="guide"),
    path("items/<str:code>/v<int:number>/", views.guide_version, name="guide_version"),
    path("items/<str:code>/v<int:number>/materials/<int:material_id>/<str:which>/", views.material_file,
         name="material_file"),
]
