from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render

from accounts.roles import Role, role_of


@login_not_required
def landing(request):
    """The one public page: what the hub is, and the way in for staff."""
    return render(request, "hub/landing.html")


def home(request):
    """Send each role to where its work is."""
    role = role_of(request.user)
    if role == Role.POLICE:
        return redirect("intake:my_submissions")
    if role in (Role.VCC, Role.MANAGER):
        return redirect("scheduling:my_work")
    if role == Role.OPCC:
        return render(request, "hub/opcc_home.html")
    if role == Role.VOLUNTEER:
        return redirect("volunteers:my_visits")
    # Signed in without a role (e.g. an admin-only account): nothing to show yet.
    return render(request, "hub/volunteer_home.html")
