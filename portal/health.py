"""The health check: a page that proves the app server answers."""

from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def ping(request):
    """The smallest page of the portal: no template, no database.

    Load balancers may poll it, and ``benchmarks/web_benchmark.py`` measures every page
    against it: it goes through the same middleware as any page, so what a page costs
    beyond ``/ping`` is the page's own work.
    """
    return HttpResponse("ok", content_type="text/plain")
