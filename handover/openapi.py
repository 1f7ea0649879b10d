"""The console API's OpenAPI 3.1 document, generated from the route table (handover/api_routes.py) and the
models of its bodies (handover/api_models.py): nothing in it is written by hand, so it cannot drift from what
the API does. Served at GET /api/console/openapi.json.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from core.json_api import ErrorBody
from handover.api_routes import ApiTable, Endpoint

TITLE = "havn console API"
DESCRIPTION = """\
For the caseworker console and scripts. Log in for a token; send it as `Authorization: Bearer <token>`,
or rely on the HttpOnly cookie that login sets (then every POST must carry `X-Havn-Console: 1`).
Roles: caseworker (the queue, conversations waiting or held by them), supervisor (every conversation,
the audit log), admin (also accounts). Errors are `{"error": "<a sentence for a person>"}`.
"""
REF = "#/components/schemas/{model}"
PATH_PARAMETER = re.compile(r"{(\w+)}")


def document(table: ApiTable) -> dict[str, Any]:
    schemas, refs = _schemas(table)
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in table.endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": "1", "description": DESCRIPTION},
        "security": [{"bearer": []}, {"cookie": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "cookie": {"type": "apiKey", "in": "cookie", "name": "havn_console"}},
            "schemas": schemas,
        },
        "paths": paths,
    }


def _schemas(table: ApiTable) -> tuple[dict[str, Any], dict[type[BaseModel], dict[str, Any]]]:
    """Every body's JSON Schema under components/schemas, and the reference to each."""
    wanted: dict[type[BaseModel], JsonSchemaMode] = {ErrorBody: "serialization"}
    for endpoint in table.endpoints:
        if endpoint.body is not None:
            wanted[endpoint.body] = "validation"
        if endpoint.response is not None:
            wanted[endpoint.response] = "serialization"
    keys, top = models_json_schema([(model, mode) for model, mode in wanted.items()], ref_template=REF)
    return top.get("$defs", {}), {model: keys[(model, mode)] for model, mode in wanted.items()}


def _operation(endpoint: Endpoint, refs: dict[type[BaseModel], dict[str, Any]]) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": endpoint.handler.__name__, "summary": endpoint.summary}
    if endpoint.description:
        operation["description"] = " ".join(endpoint.description.split())
    if endpoint.public:
        operation["security"] = []
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in PATH_PARAMETER.findall(endpoint.path)]
    if endpoint.query is not None:
        parameters += _query_parameters(endpoint.query)
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {"required": True, "content": _json(refs[endpoint.body])}
    success: dict[str, Any] = {"description": HTTPStatus(endpoint.status).phrase}
    if endpoint.response is not None:
        success["content"] = _json(refs[endpoint.response])
    if endpoint.media_types:  # a file: its bytes, as one of these types (besides JSON, when it has a model)
        success["content"] = {**success.get("content", {}), **{media_type: {} for media_type in endpoint.media_types}}
    operation["responses"] = {str(endpoint.status): success, **{
        str(status): {"description": HTTPStatus(status).phrase, "content": _json(refs[ErrorBody])}
        for status in endpoint.error_statuses}}
    return operation


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", ()))
    parameters = []
    for name, field in schema["properties"].items():
        parameter = {"name": name, "in": "query", "required": name in required,
                     "schema": {key: value for key, value in field.items() if key not in ("title", "description")}}
        if "description" in field:
            parameter["description"] = field["description"]
        parameters.append(parameter)
    return parameters


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}
