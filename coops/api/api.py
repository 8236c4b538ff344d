"""The REST API: one NinjaAPI at /api/v1/, assembled from each app's router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Coops API", version="1.0.0", urls_namespace="api-1.0.0")


# --- App routers (each app adds its router here) ---
from coops.accounts.api import router as accounts_router  # noqa: E402

api.add_router("/me", accounts_router)
