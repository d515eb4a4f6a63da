"""The standards catalogue in the Django admin: administrators edit standards and versions.

A change of terms is a new version with its own effective dates, so that past
periods keep being measured against the terms in force then. The unit of a
standard is fixed once it exists: the indicators that read it expect that unit.
"""

from django import forms
from django.contrib import admin

from .models import Standard, StandardVersion
from .registry import indicators
from .standards import version_problems

UNKNOWN_INDICATORS = "No indicator is called {ids}."


class StandardVersionFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        versions = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            if data.get("effective_from") is None:
                continue
            versions.append(
                (
                    data["effective_from"],
                    data.get("effective_to"),
                    data.get("green_from"),
                    data.get("amber_from"),
                )
            )
        problems = version_problems(versions)
        if problems:
            raise forms.ValidationError(problems)


class StandardVersionInline(admin.TabularInline):
    model = StandardVersion
    formset = StandardVersionFormSet
    extra = 0
    fields = (
        "effective_from",
        "effective_to",
        "threshold",
        "target",
        "green_from",
        "amber_from",
        "note",
    )


class StandardForm(forms.ModelForm):
    class Meta:
        model = Standard
        fields = ("slug", "title", "source", "measure", "unit", "indicators")

    def clean_indicators(self) -> str:
        value = self.cleaned_data["indicators"]
        known = {indicator.id for indicator in indicators()}
        ids = [part.strip() for part in value.split(",") if part.strip()]
        unknown = [indicator_id for indicator_id in ids if indicator_id not in known]
        if unknown:
            raise forms.ValidationError(UNKNOWN_INDICATORS.format(ids=", ".join(unknown)))
        return ",".join(ids)


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    form = StandardForm
    inlines = [StandardVersionInline]
    list_display = ("title", "slug", "source", "unit", "indicators")
    list_filter = ("source",)
    search_fields = ("slug", "title")

    def get_readonly_fields(self, request, obj=None):
        return ("slug", "unit") if obj is not None else ()
