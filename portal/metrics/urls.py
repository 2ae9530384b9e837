from django.urls import path

from portal.metrics import views

urlpatterns = [path("", views.metrics_page, name="onboarding-metrics")]
