"""The progress bar a table draws on every row (a tag) is the markup the component's include draws."""

import pytest
from django.template import Context, Template

BAR = (
    '<div class="d-flex align-items-center gap-2 progress-line"><svg class="progress-svg{small}" viewBox="0 0 100 10"'
    ' preserveAspectRatio="none" role="progressbar" aria-label="{label}" aria-valuemin="0" aria-valuemax="100"'
    ' aria-valuenow="{value}" aria-valuetext="{value}%" focusable="false"><rect class="progress-track" width="100"'
    ' height="10"/><rect class="progress-value{brand}" width="{value}" height="10"/></svg>{text}</div>'
)


@pytest.mark.parametrize(
    ("options", "small", "brand", "text"),
    [
        ({}, "", "", ""),
        ({"small": True, "brand": True}, " progress-svg-sm", " progress-value-brand", ""),
        ({"show_text": True}, "", "", '<span class="small fw-semibold text-nowrap" aria-hidden="true">67%</span>'),
    ],
)
def test_the_tag_and_the_include_draw_the_same_bar(options, small, brand, text):
    context = {"percent": 66.6, "label": "Criteria <met>", **options}
    expected = BAR.format(small=small, label="Criteria &lt;met&gt;", value="67", brand=brand, text=text)
    include = Template('{% include "components/progress_bar.html" %}').render(Context(context))
    tag_options = " ".join(f"{name}=True" for name in options)
    tag = Template("{% load components %}{% progress_bar percent label " + tag_options + " %}").render(Context(context))
    assert tag == expected
    assert include == expected + "\n"
