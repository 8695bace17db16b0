"""Account pages: one's own password (change; reset by email where the account has one) and, for
department staff, the accounts of their subtree (temporary passwords) and current login lockouts."""

from __future__ import annotations

from axes.models import AccessAttempt
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .accounts import accounts_visible_to, current_lockouts, reset_password, unlock_login
from .errors import DomainError
from .models import AccountEvent, Role, User
from .scope import role_required


# --- one's own password -------------------------------------------------------------------------------
class OwnPasswordChangeForm(PasswordChangeForm):
    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise forms.ValidationError("新密码不能与原密码相同。", code="password_unchanged")
        return password


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change with the site's look; a temporary password is over once changed."""

    form_class = OwnPasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        form.user.must_change_password = False  # saved with the new password by form.save()
        return super().form_valid(form)


class PasswordChangeDone(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_changed.html"


class EmailPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="电子邮箱",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "请输入有效的电子邮箱地址。"},
    )


class PasswordReset(auth_views.PasswordResetView):
    """A link by email, for accounts that have one (anyone else asks department staff)."""

    form_class = EmailPasswordResetForm
    template_name = "registration/password_reset.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_sent.html"


class ResetSetPasswordForm(SetPasswordForm):
    """The email link proves the person: a temporary password and the account's lockouts end too."""

    def save(self, commit=True):
        self.user.must_change_password = False
        user = super().save(commit=commit)
        if commit:
            AccessAttempt.objects.filter(username=user.get_username()).delete()
        return user


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = ResetSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


# --- department staff: accounts and lockouts of their subtree -----------------------------------------
@login_required
@role_required(Role.DEPARTMENT_STAFF)
@require_GET
def account_list(request):
    q = request.GET.get("q", "").strip()[:50]
    qs = accounts_visible_to(request.user).order_by("organization__path", "username")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(organization__name__icontains=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "recruitment/accounts.html", {"page": page, "q": q})


@never_cache
@login_required
@role_required(Role.DEPARTMENT_STAFF)
@require_POST
def account_reset_password(request, pk: int):
    try:
        account = accounts_visible_to(request.user).get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404("账号不存在或不在您的管辖范围内") from exc
    try:
        password = reset_password(user=account, actor=request.user)
    except DomainError as exc:
        messages.error(request, "；".join(v.message for v in exc.violations))
        return redirect("accounts:list")
    # Shown on this response only: never stored, never in a message or a redirect.
    return render(request, "recruitment/account_password.html", {"account": account, "password": password})


@login_required
@role_required(Role.DEPARTMENT_STAFF)
@require_GET
def lockout_list(request):
    lockouts = current_lockouts(request.user)
    visible = accounts_visible_to(request.user)
    events = (
        AccountEvent.objects.select_related("actor", "user")
        .filter(Q(user__in=visible) | Q(actor=request.user) | Q(user__isnull=True, actor__in=visible))
        .order_by("-at", "-pk")[:30]
    )
    return render(request, "recruitment/lockouts.html", {"lockouts": lockouts, "events": events})


@login_required
@role_required(Role.DEPARTMENT_STAFF)
@require_POST
def lockout_unlock(request):
    username = request.POST.get("username") or None
    ip_address = request.POST.get("ip_address") or None
    try:
        event = unlock_login(username=username, ip_address=ip_address, actor=request.user)
    except DomainError as exc:
        messages.info(request, "；".join(v.message for v in exc.violations))
    else:
        who = event.user or event.username or "（未填用户名）"
        messages.success(request, f"已解除 {who} 在 {event.ip_address or '未知地址'} 的登录锁定")
    return redirect("accounts:lockouts")
