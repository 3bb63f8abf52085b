from django.urls import path

from smmpanel.pages import views

app_name = "pages"
urlpatterns = [
    path("announcements/", views.announcements, name="announcements"),
    path("faq/", views.faq, name="faq"),
    path("terms/", views.terms, name="terms"),
]
