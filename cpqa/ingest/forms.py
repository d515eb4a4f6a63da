"""Forms of the data officers' pages."""

from django import forms

NO_FILES = "Select one or more files to import"
TOO_MANY_FILES = "Select at most {limit} files at a time"
FILE_TOO_BIG = "{name} is larger than {limit} MB: split it or import it with `cpqa import`"

MAX_FILES = 40
MAX_MEGABYTES = 200


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files to import",
        help_text="CIN census XML, Annex A workbooks, SSD tables or cpqa local tables, as CSV, "
        "XLSX or XML. You can select several files: they are imported together, or not at all.",
        # An empty file goes through: the importers say what it should have held.
        allow_empty_file=True,
        error_messages={"required": NO_FILES},
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError(NO_FILES)
        if len(files) > MAX_FILES:
            raise forms.ValidationError(TOO_MANY_FILES.format(limit=MAX_FILES))
        errors = []
        for uploaded in files:
            if uploaded.size > MAX_MEGABYTES * 1024 * 1024:
                errors.append(FILE_TOO_BIG.format(name=uploaded.name, limit=MAX_MEGABYTES))
        if errors:
            raise forms.ValidationError(errors)
        return files
