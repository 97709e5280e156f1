from django.conf import settings
from django.urls import reverse

from accounts.roles import Role, is_manager, role_of


def navigation(request):
    """The service navigation for the signed-in user's role."""
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    items = []
    if role == Role.POLICE:
        items = [
            ("Record an IVNA", reverse("intake:ivna_new")),
            ("My submissions", reverse("intake:my_submissions")),
        ]
    elif role in (Role.VCC, Role.MANAGER):
        items = [
            ("My work", reverse("scheduling:my_work")),
            ("My cases", reverse("cases:mine")),
            ("Cases", reverse("cases:list")),
            ("Post room", reverse("letters:post_room")),
            ("Services", reverse("directory:directory")),
        ]
        if is_manager(user):
            items.append(("Team", reverse("scheduling:team")))
            items.append(("Dashboard", reverse("reporting:dashboard")))
            items.append(("Quarterly return", reverse("performance:return")))
            items.append(("Volunteers", reverse("volunteers:pool")))
            items.append(("Team members", reverse("team:members")))
    elif role == Role.OPCC:
        items = [("Quarterly return", reverse("performance:return"))]
    elif role == Role.VOLUNTEER:
        items = [("My visits", reverse("volunteers:my_visits"))]
    return {
        "hub_name": settings.HUB_NAME,
        "hub_role": role,
        "hub_role_label": Role(role).label if role else "",
        "hub_navigation": items,
        # The header's case search (casework.find_views.SearchView), for VCCs and managers.
        "hub_search": role in (Role.VCC, Role.MANAGER),
    }
