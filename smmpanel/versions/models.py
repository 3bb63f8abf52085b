from django.db import models


class Version(models.Model):
    """The version of one cached thing (`versions.triggers.WATCHED`): database triggers add one
    with every committed change of its tables; processes keep what they read by this number."""

    name = models.CharField(max_length=40, primary_key=True)
    number = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.name} {self.number}"
