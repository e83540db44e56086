"""How every form renders (settings.FORM_RENDERER): Django's form templates with Bootstrap 5 markup.

`{{ form }}` and `{{ form.field.as_field_group }}` use templates/forms/; a field's help text and errors carry the
ids that Django's `aria-describedby` names, so screen readers announce them. Widgets get Bootstrap's classes here,
once, instead of in each form or template.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

CHECK_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


def bootstrap_class(widget: forms.Widget) -> str:
    if isinstance(widget, CHECK_WIDGETS):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class BootstrapBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden:
            return attrs
        classes = f"{widget.attrs.get('class', '')} {attrs.get('class', '')}".split()
        wanted = [bootstrap_class(widget)] + (["is-invalid"] if self.errors else [])
        attrs["class"] = " ".join(dict.fromkeys(classes + wanted))
        return attrs


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField
