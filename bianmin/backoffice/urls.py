from django.urls import path

from . import views, views_cases, views_meetings, views_oversight

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
    path("work/", views_cases.MyWorkView.as_view(), name="my_work"),
    path("cases/", views_cases.CaseSearchView.as_view(), name="cases"),
    path("cases/new/", views_cases.ReceiveView.as_view(), name="receive"),
    path("cases/<str:number>/", views_cases.CaseDetailView.as_view(), name="case"),
    path("cases/<str:number>/files/<int:file_id>/", views_cases.CaseFileView.as_view(), name="case_file"),
    path("notices/<str:notice_number>/", views_cases.NoticePrintView.as_view(), name="notice"),
    path("notices/<str:notice_number>/pdf/", views_cases.NoticePdfView.as_view(), name="notice_pdf"),
    path("approvals/", views_cases.ApprovalsView.as_view(), name="approvals"),
    path("overview/", views_oversight.OverviewView.as_view(), name="overview"),
    path("stats/", views_oversight.StatsView.as_view(), name="stats"),
    path("stats/export.xlsx", views_oversight.StatsExportView.as_view(), name="stats_export"),
    path("meetings/", views_meetings.MeetingListView.as_view(), name="meetings"),
    path("meetings/actions/", views_meetings.MyActionsView.as_view(), name="my_actions"),
    path("meetings/new/", views_meetings.MeetingNewView.as_view(), name="meeting_new"),
    path("meetings/<int:pk>/", views_meetings.MeetingDetailView.as_view(), name="meeting"),
    path("meetings/<int:pk>/minutes/", views_meetings.MinutesView.as_view(), name="meeting_minutes"),
    path("messages/", views_oversight.MessagesView.as_view(), name="messages"),
    path("accountability/", views_oversight.ViolationListView.as_view(), name="violations"),
    path("accountability/new/", views_oversight.ViolationNewView.as_view(), name="violation_new"),
    path("accountability/mine/", views_oversight.MyRecordView.as_view(), name="my_record"),
    path("accountability/commend/", views_oversight.CommendView.as_view(), name="commend"),
    path("accountability/<int:pk>/", views_oversight.ViolationDetailView.as_view(), name="violation"),
    path("inquiries/new/", views_cases.InquiryNewView.as_view(), name="inquiry_new"),
    path("inquiries/<str:number>/", views_cases.InquiryDetailView.as_view(), name="inquiry"),
]
