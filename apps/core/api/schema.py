"""What the OpenAPI schema must say that the generator cannot infer."""

from __future__ import annotations

from typing import Any

from .serializers import PersonalDataMixin


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def _component_name(serializer: type) -> str:
    name = serializer.__name__
    return name[: -len("Serializer")] if name.endswith("Serializer") else name


def document_personal_data(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """Personal fields of responses: a masked amount is null, a masked resident ID keeps its
    region and last four characters (apps.core.personal)."""
    schemas = result.get("components", {}).get("schemas", {})
    for serializer in _subclasses(PersonalDataMixin):
        props = schemas.get(_component_name(serializer), {}).get("properties", {})
        amounts = set(serializer.masked_amounts())
        for name in serializer.personal_paths():
            prop = props.get(name)
            if prop is None or "$ref" in prop:
                continue
            if name in amounts:
                prop["nullable"] = True
                prop["description"] = "null when masked (the user lacks the personal-data right)"
            else:
                prop["description"] = (
                    "resident ID; masked as 620102********1234 when the user lacks the personal-data right"
                )
    return result
