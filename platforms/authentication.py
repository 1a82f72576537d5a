"""How a platform proves who it is, what a read-only client may not do, and its rate.

Named in REST_FRAMEWORK's defaults (settings), so every API view uses them. DRF imports this
module while its own views load: it must not import DRF's views, drf-spectacular or core.api
(the OpenAPI description of the token is in platforms.schema). A platform sends
`Authorization: Bearer <token>` and acts as its client's service account, an officer of the
client's unit, so `restrict()` scopes it like any officer; browser users use their session.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.throttling import BaseThrottle

from core.api_callers import client_of
from core.api_rates import WINDOW_SECONDS as THROTTLE_WINDOW_SECONDS
from core.api_rates import count_request

from .tokens import active_client_for_token

# Requests a signed-in browser user may make per minute; clients have their own limit.
SESSION_REQUESTS_PER_MINUTE = 600


# -- authentication ------------------------------------------------------------------------------
class ApiClientAuthentication(BaseAuthentication):
    """Authenticate a platform by `Authorization: Bearer <token>` as its client's account."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Authorization 头应写作“Bearer <令牌>”，令牌中不能有空格。")
            )
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效、已更换或已吊销。")) from None
        client = active_client_for_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed(_("令牌无效、已更换或已吊销。"))
        # Kept on Django's request too, where the call log's middleware finds it.
        request._request.api_client = client
        return client.user, client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ReadOnlyClientPermission(permissions.BasePermission):
    """Refuse every unsafe method to a read-only client."""

    message = _("该接口客户端为只读，不能提交或修改数据。如需推送数据，请联系教育局改为读写权限。")
    code = "read_only_client"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        client = client_of(request)
        return client is None or not client.is_read_only


# -- throttling ----------------------------------------------------------------------------------
class ApiClientThrottle(BaseThrottle):
    """Count requests per client (or per signed-in user) in fixed one-minute windows.

    The limit is the client's `requests_per_minute`. Counts go to the shared cache in batches
    (`core.api_rates`): a Redis round trip per request cost more than the rest of the
    throttle and the token check together.
    """

    def allow_request(self, request, view):
        client = client_of(request)
        if client is not None:
            key, limit = f"api-rate:c{client.pk}", client.requests_per_minute
        elif request.user.is_authenticated:
            key, limit = f"api-rate:u{request.user.pk}", SESSION_REQUESTS_PER_MINUTE
        else:
            return True
        allowed, self.retry_after = count_request(key, limit)
        return allowed

    def wait(self):
        return getattr(self, "retry_after", THROTTLE_WINDOW_SECONDS)
