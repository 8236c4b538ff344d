"""The REST API: one NinjaAPI at /api/v1/, assembled from each app's router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Coops API", version="1.0.0", urls_namespace="api-1.0.0")
