"""Strings of Django's own admin that its Chinese catalogue (Django 5.2) lacks: the admin's
login page, its error titles, the screen-reader headers of the app list and the user add page
showed them in English. Marked here so that ``makemessages`` puts them in our catalogue,
which Django reads before its own (``LOCALE_PATHS``); nothing imports this module."""

from django.utils.translation import gettext_noop

DJANGO_MSGIDS = (
    gettext_noop("Add link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("Model name"),
)
