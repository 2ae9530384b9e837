from django.urls import path

from portal.onboarding import views

urlpatterns = [
    path("", views.board, name="onboarding-board"),
    path("column/<str:stage>/", views.column, name="onboarding-column"),
    path("move/", views.move, name="onboarding-move"),
    path("mine/", views.mine, name="onboarding-mine"),
    path("bulk/", views.bulk, name="onboarding-bulk"),
]
