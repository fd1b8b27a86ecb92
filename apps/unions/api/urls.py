from rest_framework.routers import DefaultRouter

router = DefaultRouter()
# Viewsets are registered in apps/unions/api/views.py's companion below.

urlpatterns = router.urls
