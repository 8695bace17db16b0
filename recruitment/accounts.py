"""Accounts: login lockouts (django-axes, its database handler) and who may lift them, passwords reset by
department staff, temporary passwords. Every unlock and reset is recorded as an ``AccountEvent``."""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet, Sum
from django.shortcuts import render
from django.utils import timezone

from .errors import DomainError
from .models import AccountAction, AccountEvent, User
from .scope import DEPARTMENT_ROLES


# --- the client and the lockout page (named in the settings) ------------------------------------------
def client_ip(request) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR, or behind ``PROXY_COUNT`` reverse
    proxies the X-Forwarded-For entry appended by the outermost one."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "PROXY_COUNT", 0)
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if count and len(hops) >= count:
        try:
            return str(ipaddress.ip_address(hops[-count]))
        except ValueError:
            return remote
    return remote


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out login sees (AXES_LOCKOUT_CALLABLE), at the login page's own address."""
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": cooloff_minutes()}
    return render(request, "registration/locked_out.html", context, status=429)


# --- who manages whose account -------------------------------------------------------------------------
def may_manage_accounts(user) -> bool:
    return user.has_role(*DEPARTMENT_ROLES)


def accounts_visible_to(actor) -> QuerySet:
    """Accounts of the actor's subtree (every account for a superuser)."""
    qs = User.objects.select_related("organization")
    if actor.is_superuser:
        return qs
    if not actor.organization_id:
        return qs.none()
    return qs.filter(organization__path__startswith=actor.organization.path)


@dataclass(frozen=True)
class Lockout:
    """One locked (username, IP address) pair: django-axes sums its attempts over user agents."""

    username: str | None
    ip_address: str | None
    failures: int
    last_attempt: dt.datetime
    account: User | None

    @property
    def until(self):
        return self.last_attempt + settings.AXES_COOLOFF_TIME


def current_lockouts(actor) -> list[Lockout]:
    """Pairs refused right now, newest first: those of accounts in the actor's subtree; a superuser also
    sees names that are no account."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    pairs = list(
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt")
    )
    names = {p["username"] for p in pairs if p["username"]}
    accounts = {u.username: u for u in accounts_visible_to(actor).filter(username__in=names)}
    return [
        Lockout(account=accounts.get(p["username"]), **p)
        for p in pairs
        if p["username"] in accounts or actor.is_superuser
    ]


# --- writes ----------------------------------------------------------------------------------------------
@transaction.atomic
def unlock_login(*, username: str | None, ip_address: str | None, actor) -> AccountEvent:
    """Lift one current lockout the actor may see; the attempts of that pair are forgotten."""
    lockout = next(
        (lo for lo in current_lockouts(actor) if lo.username == username and lo.ip_address == ip_address), None
    )
    if lockout is None:
        raise DomainError.single("ACCOUNT", "该登录锁定已解除或已过期")
    AccessAttempt.objects.filter(username=username, ip_address=ip_address).delete()
    return AccountEvent.objects.create(
        action=AccountAction.UNLOCK,
        actor=actor,
        user=lockout.account,
        username=username or "",
        ip_address=ip_address,
        failures=lockout.failures,
    )


@transaction.atomic
def reset_password(*, user: User, actor) -> str:
    """Give ``user`` a temporary password (returned, to be shown once) that they must change at their
    next page; their sessions end and their lockouts are lifted."""
    if user.pk == actor.pk:
        raise DomainError.single("ACCOUNT", "不能在此重置自己的密码，请使用“修改密码”")
    if (user.is_superuser or user.is_staff) and not actor.is_superuser:
        raise DomainError.single("ACCOUNT", "系统管理员账号的密码只能由超级管理员重置")
    user = User.objects.select_for_update().get(pk=user.pk)
    password = temporary_password(user)
    user.set_password(password)  # a new hash: every session of the user ends
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    AccessAttempt.objects.filter(username=user.username).delete()
    AccountEvent.objects.create(action=AccountAction.PASSWORD_RESET, actor=actor, user=user, username=user.username)
    return password


TEMPORARY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"  # no 0/O, 1/l/I


def temporary_password(user=None, length: int = 12) -> str:
    """A random password that is easy to read aloud and passes the password validators."""
    while True:
        candidate = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(length))
        if not (any(c.isdigit() for c in candidate) and any(c.isupper() for c in candidate)):
            continue
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate
