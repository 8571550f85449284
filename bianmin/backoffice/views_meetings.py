"""Meeting screens (联席会议, 工作例会, 专题会议): list, new, the meeting with decisions, printable minutes, and
我的议定事项.

Their forms are drawn from the action catalogue (``meetings.actions``) and their posts run through
``core.actions.run``, as the API's do.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from bianmin.accountability.policies import oversees
from bianmin.core.actions import run
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import page_of
from bianmin.core.timeutils import now, today
from bianmin.meetings.actions import ACTION_ITEM_ACTIONS, CREATE_ACTIONS, MEETING_ACTIONS, MeetingDraft
from bianmin.meetings.models import ActionStatus, MeetingKind
from bianmin.meetings.policies import get_meeting_for, meeting_refusal, visible_meetings
from bianmin.meetings.selectors import default_period_for, open_actions_for

from .actions import data_from_post, forms_for, perform_post, refused_page
from .views import StaffView, say_error
from .views_oversight import fill_initial, forms_of


class OverseerView(StaffView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not oversees(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MeetingListView(OverseerView):
    def get(self, request):
        page = page_of(visible_meetings(request.user).select_related("unit"), 20, request.GET.get("page"))
        return render(request, "backoffice/meetings.html", {"page": page})


class MeetingNewView(OverseerView):
    """The form of the kind chosen by the page's links (``?kind=``); the kind is posted as a hidden field."""

    def get(self, request, posted=None, error=None):
        kind = (posted or request.GET).get("kind", "")
        kind = kind if kind in MeetingKind.values else MeetingKind.JOINT
        draft = MeetingDraft(kind)
        forms = forms_of(request, CREATE_ACTIONS, {"create"}, draft, posted, error)
        period = default_period_for(request.user, kind, today())
        fill_initial(forms, posted, {"create": {
            "held_on": today().isoformat(), "chair": request.user.get_full_name(),
            "period_start": period[0].isoformat() if period else "",
            "period_end": period[1].isoformat() if period else ""}})
        refusal = meeting_refusal(request.user, kind)
        return render(request, "backoffice/meeting_new.html", {
            "forms": forms, "kind": kind, "kind_label": MeetingKind(kind).label, "kinds": MeetingKind.choices,
            "special": kind == MeetingKind.SPECIAL, "refusal": refusal.message if refusal else ""})

    def post(self, request):
        return perform_post(request, CREATE_ACTIONS, None, only="create",
                            refused=lambda exc: refused_page(self, request, exc),
                            done=lambda meeting: redirect("backoffice:meeting", pk=meeting.pk))


def item_forms(request, items, posted=None, error=None) -> None:
    """Give each action item (``x.forms``) the forms the catalogue allows on it; a refused post comes back beside
    the item it was about, or as the page's message when that item is not drawn."""
    item = posted.get("item") if posted is not None and posted.get("action") in ACTION_ITEM_ACTIONS.actions else None
    drawn = False
    for x in items:
        mine = item is not None and str(x.pk) == item
        x.forms = forms_for(request, ACTION_ITEM_ACTIONS, x, posted if mine else None, error if mine else None)
        drawn = drawn or mine
    if item is not None and error is not None and not drawn:
        say_error(request, error)


def run_item_action(request):
    """Run the action item step posted (``action`` and ``item``); return its declaration and result."""
    spec = ACTION_ITEM_ACTIONS.get(request.POST.get("action", ""))
    if spec is None:
        raise Http404
    key = request.POST.get("item", "").strip()
    if not key.isdigit() or len(key) > 12:  # a typed word is refused naming the field, never a 500
        raise DomainError.for_field("item", "议定事项编号应为正整数")
    return spec, run(spec, actor=request.user, key=int(key), data=data_from_post(spec, request.POST), now=now())


class MeetingDetailView(OverseerView):
    template = "backoffice/meeting_detail.html"

    def get(self, request, pk: int, posted=None, error=None):
        try:
            meeting = get_meeting_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        on_items = posted is not None and posted.get("action") in ACTION_ITEM_ACTIONS.actions
        actions = list(meeting.actions.select_related("owner", "agenda_item"))
        item_forms(request, actions, posted if on_items else None, error if on_items else None)
        forms = forms_for(request, MEETING_ACTIONS, meeting, None if on_items else posted,
                          None if on_items else error)
        fill_initial(forms, posted, {"minutes": {"minutes": meeting.minutes}})
        return render(request, self.template, {
            "m": meeting, "agenda": meeting.agenda.select_related("case", "violation"), "actions": actions,
            "forms": forms, "today": today(), "open": ActionStatus.OPEN})

    def post(self, request, pk: int):
        action = request.POST.get("action", "")
        try:
            if action in ACTION_ITEM_ACTIONS.actions:
                spec, result = run_item_action(request)
            else:
                spec = MEETING_ACTIONS.get(action)
                if spec is None:
                    raise Http404
                result = run(spec, actor=request.user, key=pk, data=data_from_post(spec, request.POST), now=now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:  # the form comes back as typed, each error beside its field
            return refused_page(self, request, exc, pk)
        messages.success(request, spec.message(result))
        return redirect("backoffice:meeting", pk=pk)


class MinutesView(MeetingDetailView):
    template = "backoffice/meeting_minutes.html"


class MyActionsView(StaffView):
    """我的议定事项: what meetings asked of me, with a form to report each done."""

    def get(self, request, posted=None, error=None):
        actions = list(open_actions_for(request.user))
        item_forms(request, actions, posted, error)
        return render(request, "backoffice/my_actions.html", {"actions": actions, "today": today()})

    def post(self, request):
        try:
            spec, result = run_item_action(request)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            return refused_page(self, request, exc)
        messages.success(request, spec.message(result))
        return redirect("backoffice:my_actions")
