"""A user given a temporary password (``User.must_change_password``) reaches only the password change
page and logout until they choose their own password; an active session is renewed at most once a
minute (the idle timeout without a session write on every request)."""

import time

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    OPEN = ("password_change", "password_change_done", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            if request.path_info not in {reverse(name) for name in self.OPEN}:
                target = reverse("password_change")
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        return self.get_response(request)


class SessionRenewalMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE) counts from the last renewal; renewing on every request
    (SESSION_SAVE_EVERY_REQUEST) costs a session write per page. Renew when the last renewal is older than
    SESSION_RENEW_SECONDS (default 60): a session then ends between AGE − 60 s and AGE after the last
    request. Placed after SessionMiddleware, so the write happens in its response phase."""

    KEY = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response
        self.every = getattr(settings, "SESSION_RENEW_SECONDS", 60)

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and session.session_key:
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= self.every:
                session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return response
