from django.urls import path

from .views import questionnaires

app_name = "mapping"

urlpatterns = [
    path("", questionnaires.questionnaire_list, name="questionnaire_list"),
]
