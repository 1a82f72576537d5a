"""The OpenAPI description of the bearer token; registered when the app is ready."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "platforms.authentication.ApiClientAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "接口客户端令牌，由教育局登记客户端时生成 / API client token",
        }
