from django.shortcuts import render

from partnership.caching import public_cache


@public_cache
def home(request):
    return render(request, "programmes/home.html", {})


county_list = county_detail = programme_list = programme_detail = home
event_detail = source_list = source_detail = home
sitemap = robots_txt = page_not_found = server_error = home
