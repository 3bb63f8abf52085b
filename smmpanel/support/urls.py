"""The customer's tickets, at /tickets/."""

from django.urls import path

from smmpanel.support import panel_views

app_name = "support"
urlpatterns = [
    path("", panel_views.tickets, name="tickets"),
    path("new/", panel_views.new_ticket, name="ticket_new"),
    path("<id:pk>/", panel_views.ticket_page, name="ticket"),
    path("<id:pk>/close/", panel_views.ticket_close, name="ticket_close"),
]
