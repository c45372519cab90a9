"""Pages of a list: ``?page=`` (from 1) and ``?page_size=`` (50 by default, at most 500),
over an order that ends with a unique key, so that pages never overlap or skip a record.
The envelope names the licence of the data, as every list answer does."""

from __future__ import annotations

from rest_framework import pagination
from rest_framework.response import Response

from .licence import licence_object, licence_schema


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "licence": licence_object(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        envelope = super().get_paginated_response_schema(schema)
        envelope["required"] = ["count", "next", "previous", "licence", "results"]
        envelope["properties"] = {
            **{k: v for k, v in envelope["properties"].items() if k != "results"},
            "licence": licence_schema(),
            "results": envelope["properties"]["results"],
        }
        envelope["properties"]["count"].pop("example", None)
        envelope["properties"]["next"].pop("example", None)
        envelope["properties"]["previous"].pop("example", None)
        return envelope
