from django.db import models


class RetentionRun(models.Model):
    """One confirmed run of `cpqa retention`: what was removed, and by whom.

    This is the record that the access log's own retention happened: entries
    past retention leave the access log only this way.
    """

    at = models.DateTimeField(db_index=True)
    operator = models.CharField(max_length=150, help_text="Who ran it at the command line.")
    removed = models.JSONField(default=dict, help_text="Records removed, by kind.")
    cutoffs = models.JSONField(default=dict, help_text="The cut-off date of each kind.")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Retention run {self.at:%Y-%m-%d %H:%M} by {self.operator}"
