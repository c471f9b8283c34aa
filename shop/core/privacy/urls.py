from django.urls import path

from shop.core.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.page, name="page"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
