from django.urls import path

from .views import questionnaire_list

app_name = "mapping"

urlpatterns = [
    path("", questionnaire_list, name="questionnaire_list"),
]
