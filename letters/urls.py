from django.urls import path

from letters import views

app_name = "letters"

urlpatterns = [
    path("write/", views.write, name="write"),
    path("thanks/", views.thanks, name="thanks"),
]
