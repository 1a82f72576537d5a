"""What registering or changing an API client can refuse."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class ApiClientError(DomainError):
    """Registering or changing an API client was refused."""

    code = "api_client_error"


class ApiClientUnitLevelUnknown(ApiClientError):
    """The unit's level has no officer role to act as."""

    code = "api_client_unit_level"
    message = _("行政区划“%(unit)s”的级别无法对应教育局账号，不能登记接口客户端。")


class ApiClientOutsideJurisdiction(ApiClientError):
    """An officer tried to register a client for a unit outside their own jurisdiction."""

    code = "api_client_outside_jurisdiction"
    message = _("只能为本辖区（%(own)s）及其下级登记接口客户端，“%(unit)s”不在辖区内。")


class ApiClientRevoked(ApiClientError):
    """The client was revoked; its token cannot be changed any more."""

    code = "api_client_revoked"
    message = _("接口客户端“%(name)s”已吊销，不能再更换令牌。请重新登记一个客户端。")
