from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("", views.HomeView.as_view(), name="home"),
    path("acting/", views.ActingView.as_view(), name="acting"),
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("roles/", views.RolesView.as_view(), name="roles"),
    path("calendar/", views.CalendarNoticeView.as_view(), name="calendar"),
]
