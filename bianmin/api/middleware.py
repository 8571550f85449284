"""Every error under /api/ answers with the one JSON error body, whoever produced it (issue 11 item 8).

Ninja's handlers (api.py) cover what happens inside an operation. This middleware covers the rest: a method the
path does not allow (ninja answers a plain-text 405), an exception that reached Django's 500 handler, a request
body over the size limit, a disallowed host, a CSRF failure — anything under /api/ that is not JSON already.
"""
from __future__ import annotations

from http import HTTPStatus

from bianmin.core.http import error_response

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")
MESSAGES = {
    400: ("bad_request", "请求无法解析"),
    401: ("unauthorized", "未登录或令牌无效，请先通过 /api/v1/auth/token 获取令牌"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "资源不存在"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
    413: ("too_large", "请求体过大"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，请稍后再试"),
}


class ApiErrorBodyMiddleware:
    """Turn a non-JSON error response under /api/ into the JSON error body with the same status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code < 400 or not request.path.startswith(API_PREFIX)
                or response.get("Content-Type", "").startswith("application/json")):
            return response
        status = response.status_code
        code, message = MESSAGES.get(status, ("server_error" if status >= 500 else "error",
                                              HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_
                                              else "请求失败"))
        if status == 405:
            message = f"该地址不支持 {request.method} 方法，可用：{response.get('Allow', '')}"
        replacement = error_response(status, code, message)
        for header in KEPT_HEADERS:
            if header in response:
                replacement[header] = response[header]
        return replacement
