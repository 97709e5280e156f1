from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("accounts.home_urls")),  # landing page and each role's home
    path("health/", include("scheduling.health")),  # monitoring: scheduling/health.py
    path("metrics", include("casework.metrics")),  # Prometheus, behind a token: casework/metrics.py
    path("", include("accounts.sign_in_urls")),  # sign in (the hub's form) and out
    path("two-factor/", include("accounts.urls")),
    path("account/password/", include("accounts.password_urls")),  # one's own password
    path("team/", include("accounts.team_urls")),  # hub managers: team members
    path("team/", include("casework.team_urls")),  # deactivating: their cases to the queue
    path("get-support/", include("intake.public_urls")),
    path("how-to-complain/", include("complaints.public_urls")),  # public: Victims' Code right 12
    path("complaints/", include("complaints.urls")),  # the hub's complaints log
    path("people/", include("casework.people_urls")),
    path("cases/", include("casework.urls")),
    path("cases/", include("contact.urls")),
    path("cases/", include("assessments.support_urls")),
    path("cases/", include("assessments.dvna_urls")),
    path("cases/", include("rights.urls")),  # Victims' Code rights: evidence, justice steps
    path("work/", include("casework.work_urls")),
    path("team/api-clients/", include("accounts.api_client_urls")),  # machine clients
    path("", include("intake.urls")),  # IVNAs and transfers in
    path("letters/", include("contact.letter_urls")),
    path("services/", include("directory.urls")),
    path("", include("referrals.urls")),
    path("", include("volunteers.urls")),  # the pool and visits; a case's volunteer
    path("dashboard/", include("reporting.urls")),
    path("performance/", include("reporting.performance_urls")),  # the return, read-only
    path("", include("privacy.urls")),
    path("", include("audit.urls")),  # restricted cases: break-glass, named users; who looked
    path("api/v1/", include("intake.api.urls")),
    path("api/v1/", include("reporting.api.urls")),
    path("api/v1/", include("rights.api.urls")),  # the police: a case's rights and justice steps
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

# A body over the size limit and other unreadable requests: the hub's own page
# (core/error_pages.py).
handler400 = "core.error_pages.bad_request"
# PostgreSQL down, met outside a view: the 503 "try again in a minute" answer, else the 500
# page (core/unavailable.py).
handler500 = "core.unavailable.server_error"
