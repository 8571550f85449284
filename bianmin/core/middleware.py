"""Security headers on every response: a Content-Security-Policy and a Permissions-Policy (issue 11 item 10).

Placed right after Django's SecurityMiddleware and before WhiteNoise, so static files get them too. Scripts come
only from our origin (the templates carry no inline script or ``on*`` handler: static/js/bianmin.js reads
``data-confirm`` / ``data-print``); images may be ``data:`` URIs (QR codes); inline ``style`` attributes remain
in templates, hence ``'unsafe-inline'`` for styles only (docs/decisions/0019). A view that needs another policy
sets the header itself and keeps it.
"""
from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy and Permissions-Policy headers unless the response has its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NullCharacterMiddleware:
    """Refuse a request whose path, query string, form fields or JSON body hold a NUL character, with a 400 naming the
    field: PostgreSQL cannot store one and answered with a 500 wherever a view passed the value to a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .paging import InvalidParameter

        if "\x00" in request.path:  # a case number, a notice number… taken from the path
            raise InvalidParameter("path", "地址不能包含空字符")
        for name, value in request.GET.lists():
            if "\x00" in name or any("\x00" in v for v in value):
                raise InvalidParameter(name.replace("\x00", ""), f"参数 {name.replace(chr(0), '')} 不能包含空字符")
        content_type = request.content_type or ""
        if content_type == "application/x-www-form-urlencoded":
            for name, value in request.POST.lists():
                if "\x00" in name or any("\x00" in v for v in value):
                    raise InvalidParameter(name.replace("\x00", ""), f"{name.replace(chr(0), '')} 不能包含空字符")
        elif content_type == "application/json" and b"\\u0000" in request.body.lower():
            raise InvalidParameter("body", "请求内容不能包含空字符（\\u0000）")
        return self.get_response(request)
