"""docs/indicators.md says what the code says."""

from cpqa.indicators.docs import DOCS, definitions_markdown, docs_section
from cpqa.indicators.registry import indicators


def test_the_definitions_in_the_docs_are_generated_from_the_code():
    # If this fails, run: python -m cpqa.indicators.docs (see its docstring).
    assert docs_section(DOCS.read_text()) == definitions_markdown()


def test_every_indicator_is_in_the_docs():
    text = DOCS.read_text()
    for indicator in indicators():
        assert f"### `{indicator.id}`" in text
        assert indicator.definition.split("\n")[0] in text
