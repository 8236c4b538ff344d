"""Group purchasing pages of the short-circuit module: needs and bulk orders."""

from django.urls import path

from ..views import bulk

urlpatterns = [
    path("needs/", bulk.needs, name="needs"),
    path("needs/<int:pk>/vote/", bulk.need_vote, name="need_vote"),
    path("needs/<int:pk>/unvote/", bulk.need_unvote, name="need_unvote"),
    path("needs/<int:pk>/met/", bulk.need_close, name="need_close"),
    path("bulk/", bulk.bulk_list, name="bulk_list"),
    path("bulk/new/", bulk.bulk_create, name="bulk_create"),
    path("bulk/<int:pk>/", bulk.bulk_detail, name="bulk"),
    path("bulk/<int:pk>/articles/", bulk.bulk_article_add, name="bulk_article_add"),
    path("bulk/<int:pk>/open/", bulk.bulk_open, name="bulk_open"),
    path("bulk/<int:pk>/close/", bulk.bulk_close, name="bulk_close"),
    path("bulk/<int:pk>/request/", bulk.bulk_request, name="bulk_request"),
    path("bulk/<int:pk>/withdraw/", bulk.bulk_withdraw, name="bulk_withdraw"),
    path("bulk/<int:pk>/purchase-order/", bulk.bulk_purchase_order, name="bulk_purchase_order"),
    path("bulk/<int:pk>/distribution/", bulk.bulk_distribution, name="bulk_distribution"),
]
