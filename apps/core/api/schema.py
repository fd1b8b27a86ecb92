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


ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of the API (apps/core/api/exceptions.py).",
    "properties": {
        "message": {"type": "string", "description": "what went wrong, for the user (Chinese by default)"},
        "extra": {
            "type": "object",
            "additionalProperties": True,
            "description": "details: ``fields`` maps each invalid field to its messages",
        },
    },
    "required": ["message", "extra"],
}

# Every operation may answer these: bad input or filters, no login, no right, outside the
# user's scope (a 404, never a 403: another region's record is not revealed).
ERRORS = {
    "400": "Invalid input or filter; nothing was changed.",
    "401": "Not logged in (token or session missing or invalid).",
    "403": "The user's role does not allow this operation.",
    "404": "No such record in the user's scope.",
}


def document_errors(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """Document the error responses of every operation with the one error schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            # a door without authentication (the token endpoint) answers only what it documents
            codes = ERRORS if operation.get("security") else {"400": ERRORS["400"]}
            for code, description in codes.items():
                existing = responses.get(code)
                if existing is None:
                    responses[code] = {"description": description, "content": ref}
                elif "content" not in existing:
                    existing["content"] = ref
            # any other error a view documents (429, 503...) has the same shape
            for code, existing in responses.items():
                if code[0] in "45" and "content" not in existing:
                    existing["content"] = ref
    return result
