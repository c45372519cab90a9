
app_name = "workshops"

urlpatterns: list = []
