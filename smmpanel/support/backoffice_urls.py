"""Staff's tickets and canned replies, under /backoffice/tickets/ (names in "backoffice:")."""

from django.urls import path

from smmpanel.support import backoffice_views, canned_views

urlpatterns = [
    path("tickets/", backoffice_views.ticket_queue, name="tickets"),
    path("tickets/canned/", canned_views.canned_list, name="canned_replies"),
    path("tickets/canned/<id:pk>/", canned_views.canned_edit, name="canned_edit"),
    path("tickets/canned/<id:pk>/delete/", canned_views.canned_delete, name="canned_delete"),
    path("tickets/<id:pk>/", backoffice_views.ticket_detail, name="ticket"),
    path("tickets/<id:pk>/reply/", backoffice_views.ticket_reply, name="ticket_reply"),
    path("tickets/<id:pk>/note/", backoffice_views.ticket_note, name="ticket_note"),
    path("tickets/<id:pk>/assign/", backoffice_views.ticket_assign, name="ticket_assign"),
    path("tickets/<id:pk>/close/", backoffice_views.ticket_close_staff, name="ticket_close"),
]
