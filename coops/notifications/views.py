from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .emails import unsubscribe_scope, unsubscribe_token_read
from .forms import PreferencesForm

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.notification_list(user=request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(acting_user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    return redirect("notifications:list")


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and follow its link (same-site links only)."""
    notification = selectors.notification_get_for_user(user=request.user, notification_id=pk)
    if notification is None:
        raise Http404
    services.notification_mark_read(notification=notification, acting_user=request.user)
    if notification.url and services.is_local_url(notification.url):
        return redirect(notification.url)
    return redirect("notifications:list")


@never_cache
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The header bell, polled by htmx. Nothing to swap for a signed-out visitor (204)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    count = selectors.notification_unread_count(user=request.user)
    return render(request, "notifications/_bell.html", {"unread_notifications": count})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_update(
                user=request.user,
                default=form.cleaned_data["default"],
                kinds=form.kind_choices(),
                acting_user=request.user,
            )
            messages.success(request, _("Your email preferences are saved."))
            return redirect("notifications:preferences")
    else:
        form = PreferencesForm(initial=selectors.preference_initial(user=request.user))
    return render(request, "notifications/preferences.html", {"form": form})


def _unsubscribe_user(token: str):
    data = unsubscribe_token_read(token)
    if data is None:
        return None, ""
    user_id, kind = data
    user = get_user_model().objects.active().filter(pk=user_id).first()
    return user, kind


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a session.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; POST (the button, or a one-click client) unsubscribes.

    The signed token is the authorisation: no login needed. A bad token changes nothing.
    """
    user, kind = _unsubscribe_user(token)
    if user is None:
        return render(
            request,
            "core/error.html",
            {
                "status": 400,
                "title": _("This unsubscribe link is not valid"),
                "message": _(
                    "It may have been cut or changed. Sign in to manage your email "
                    "preferences instead."
                ),
            },
            status=400,
        )
    # Someone arriving from an email reads the page in their own language.
    language = request.LANGUAGE_CODE if request.user.is_authenticated else user.language
    with translation.override(language):
        done = request.method == "POST"
        if done:
            services.notifications_unsubscribe(user=user, kind=kind)
        return render(
            request,
            "notifications/unsubscribe.html",
            {
                "done": done,
                "scope": unsubscribe_scope(kind),
                "action": reverse("notifications:unsubscribe", kwargs={"token": token}),
            },
        )
