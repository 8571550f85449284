"""The /api/v1/ application: routers, OpenAPI document, one error body for every 4xx."""
from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from bianmin.cases.lookup import TooManyRequests
from bianmin.core.actions import validation_error
from bianmin.core.errors import DomainError
from bianmin.core.http import error_response

from . import (
    idempotency,
    routes_actions,
    routes_auth,
    routes_cases,
    routes_catalog,
    routes_complaints,
    routes_hall_board,
    routes_hall_booking,
    routes_hall_promises,
    routes_hall_queue,
    routes_hall_screen,
    routes_hospital,
    routes_inquiries,
    routes_oversight,
    routes_public,
    routes_ratings,
    routes_relay,
    routes_relay_files,
    routes_workdays,
)


class BianminApi(NinjaAPI):
    """The API, whose document also carries what the middleware adds (``idempotency.document``)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return idempotency.document(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = BianminApi(
    title="便民 Bianmin API",
    version="1",
    description="政务服务中心办件系统接口。错误统一返回 {\"error\": {\"code\", \"message\", \"fields\"}}。"
                "除登录、注销和公众查询外，每个 POST 接受 Idempotency-Key 请求头：弱网重试不会重复办理"
                "（见各接口的参数说明）。",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("", routes_auth.router)
api.add_router("", routes_workdays.router)
api.add_router("", routes_catalog.router)
api.add_router("", routes_cases.router)
api.add_router("", routes_actions.router)
api.add_router("", routes_actions.inquiry_router)
api.add_router("", routes_inquiries.router)
api.add_router("", routes_oversight.router)
api.add_router("", routes_public.router)
api.add_router("", routes_relay.router)
api.add_router("", routes_ratings.router)
api.add_router("", routes_relay_files.router)
api.add_router("", routes_complaints.router)
api.add_router("", routes_complaints.public_router)
api.add_router("", routes_hall_board.router)
api.add_router("", routes_hall_board.public_router)
api.add_router("", routes_hall_booking.router)
api.add_router("", routes_hall_booking.public_router)
api.add_router("", routes_hall_promises.router)
api.add_router("", routes_hall_queue.router)
api.add_router("", routes_hall_queue.kiosk_router)
api.add_router("", routes_hall_queue.public_router)
api.add_router("", routes_hall_queue.stats_router)
api.add_router("", routes_hall_screen.router)
api.add_router("", routes_hall_screen.staff_router)
api.add_router("", routes_hospital.router)


@api.exception_handler(ValidationError)
def on_validation(request, exc: ValidationError):
    error = validation_error(exc.errors)  # the same messages as the screens (core.actions)
    return error_response(400, "invalid", error.message, error.fields)


@api.exception_handler(DomainError)
def on_domain(request, exc: DomainError):
    response = error_response(exc.status, exc.code, exc.message, exc.fields)
    if isinstance(exc, TooManyRequests):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def on_auth(request, exc):
    return error_response(401, "unauthorized", "未登录或令牌无效，请先通过 /api/v1/auth/token 获取令牌")


@api.exception_handler(Http404)
def on_404(request, exc):
    return error_response(404, "not_found", "资源不存在")


@api.exception_handler(HttpError)
def on_http(request, exc: HttpError):
    return error_response(exc.status_code, "error", str(exc))
