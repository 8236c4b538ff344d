"""The REST API: one NinjaAPI at /api/v1/, assembled from each app's router.

- Who may call: ``coops.api.auth`` (token or session by default, ``auth=PUBLIC`` for reads
  open to anonymous callers).
- How often: ``coops.api.throttling``, applied to every operation.
- What errors look like: ``{"detail": "..."}`` (``coops.api.schemas.Error``), plus ``errors``
  for 422. The OpenAPI document declares, for every operation, the error answers the
  machinery around it can give (400, 401, 403, 404, 422, 429), so apps only declare their own
  (a 409 from a service, a 403 from a permission rule…).
- The docs page (/api/v1/docs) is ninja's self-hosted Swagger UI. Its template has no inline
  script (settings travel in a ``type="application/json"`` block read by a static file), so
  it runs under the site-wide CSP unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import re_path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.params.models import BodyModel

from coops.api.auth import REQUIRED, Anonymous
from coops.api.schemas import Error, ValidationErrorOut
from coops.api.throttling import THROTTLES

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class CoopsOpenAPISchema(OpenAPISchema):
    """ninja's document, plus the error answers every operation can give."""

    def responses(self, operation: Operation) -> dict[int, Any]:
        result = super().responses(operation)
        for status, model, reason in self._standard_errors(operation):
            if status in result:
                continue  # the endpoint documented it itself
            schema = self._create_schema_from_model(
                operation._create_response_model(model), mode="serialization"
            )[0]
            result[status] = {
                "description": reason,
                "content": {self.api.renderer.media_type: {"schema": schema}},
            }
        return result

    @staticmethod
    def _standard_errors(operation: Operation):
        authenticated = bool(operation.auth_callbacks)
        unsafe = bool(UNSAFE_METHODS.intersection(operation.methods))
        if any(issubclass(model, BodyModel) for model in operation.models):
            yield 400, Error, "The request body could not be parsed (not valid JSON)"
        if authenticated:
            yield 401, Error, "Missing, malformed, expired or revoked credentials"
        if authenticated and unsafe:
            yield 403, Error, "CSRF check failed (session), or not allowed"
        if "{" in operation.path:
            yield 404, Error, "Not found, or not visible to the caller"
        if operation.models or unsafe:
            # Invalid parameters, or a service's ValidationError on a write.
            yield 422, ValidationErrorOut, "Invalid input"
        if operation.throttle_objects:
            yield 429, Error, "Too many requests; see the Retry-After header"

    def operation_security(self, operation: Operation):
        security = super().operation_security(operation)
        if security and any(isinstance(a, Anonymous) for a in operation.auth_callbacks):
            security.append({})  # OpenAPI's way of saying "credentials are optional"
        return security


class CoopsAPI(NinjaAPI):
    """A NinjaAPI with Coops' OpenAPI additions and ``{"detail": ...}`` error answers."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return CoopsOpenAPISchema(self, path_prefix)

    def _get_urls(self) -> list:
        # Last: any other path under the API is a JSON 404, not the site's HTML page
        # (a path parameter that fails its converter, such as {int:id}, lands here too).
        return [*super()._get_urls(), re_path(r"", self._unmatched_path, name="not-found")]

    @method_decorator(csrf_exempt)
    def _unmatched_path(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return self._not_found(request, Http404())

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        handlers = {
            AuthenticationError: self._authentication_error,
            Throttled: self._throttled,
            PermissionDenied: self._permission_denied,
            Http404: self._not_found,
            DjangoValidationError: self._django_validation_error,
            NinjaValidationError: self._ninja_validation_error,
        }
        for exc_class, handler in handlers.items():
            self.add_exception_handler(exc_class, handler)

    def error(self, request: HttpRequest, status: int, detail: str, **extra) -> HttpResponse:
        return self.create_response(request, {"detail": detail, **extra}, status=status)

    def _authentication_error(self, request, exc: AuthenticationError) -> HttpResponse:
        detail = exc.message if exc.message != "Unauthorized" else _("Authentication required.")
        response = self.error(request, 401, detail)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def _throttled(self, request, exc: Throttled) -> HttpResponse:
        # ninja adds the Retry-After header to this response.
        return self.error(request, 429, _("Too many requests. Please wait a moment and try again."))

    def _permission_denied(self, request, exc: PermissionDenied) -> HttpResponse:
        return self.error(request, 403, str(exc) or _("You do not have permission to do this."))

    def _not_found(self, request, exc: Http404) -> HttpResponse:
        return self.error(request, 404, _("Not found, or visible to members only."))

    def _django_validation_error(self, request, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                {"loc": ["body"] if field == NON_FIELD_ERRORS else ["body", field], "msg": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"loc": ["body"], "msg": message} for message in exc.messages]
        return self.error(request, 422, _("Invalid input."), errors=errors)

    def _ninja_validation_error(self, request, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "loc": [part for part in error.get("loc", ()) if isinstance(part, str | int)],
                "msg": str(error.get("msg", "")),
            }
            for error in exc.errors
        ]
        return self.error(request, 422, _("Invalid input."), errors=errors)


api = CoopsAPI(
    title="Coops API",
    version="1.0.0",
    description=(
        "The Coops REST API. Authenticate with a personal API token "
        "(`Authorization: Bearer coops_…`) or, from the site, with your session. "
        'Errors are `{"detail": "…"}`.'
    ),
    urls_namespace="api-1.0.0",
    auth=REQUIRED,
    throttle=THROTTLES,
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)


# --- App routers (each app adds its router here) ---
from coops.accounts.api import router as accounts_router  # noqa: E402

api.add_router("/me", accounts_router)
api.add_router("/notifications", "coops.notifications.api.router")
api.add_router("/groups", "coops.groups.api.router")
api.add_router("/ledger", "coops.ledger.api.router")
api.add_router("/directory", "coops.directory.api.router")
