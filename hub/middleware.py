from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Login is required everywhere but the public pages (marked `login_not_required`).

    The API authenticates its own clients by token and answers 401/403 in JSON, so it is
    left to DRF rather than redirected to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
