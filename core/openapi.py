"""The OpenAPI schema as integrators meet it (issue 14): a drf-spectacular postprocessing hook.

Request objects are closed (`additionalProperties: false`), as the server is: a field the API
does not know is refused (core.serializers.StrictSerializer). Response objects stay open, so a
client generated from the schema keeps working when a later version adds a field to an answer.
"""

from __future__ import annotations

from collections.abc import Iterator

SCHEMA_REF = "#/components/schemas/"


def _refs(node: object) -> Iterator[str]:
    """The component names `node` refers to, at any depth."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
            yield ref.removeprefix(SCHEMA_REF)
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _objects(node: object) -> Iterator[dict]:
    """The object schemas in `node`, itself and those nested inline (not through a $ref)."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def request_components(schema: dict) -> set[str]:
    """Every component a request body uses, directly or nested in another."""
    components = schema.get("components", {}).get("schemas", {})
    bodies = [
        operation["requestBody"]
        for path in schema.get("paths", {}).values()
        for operation in path.values()
        if isinstance(operation, dict) and "requestBody" in operation
    ]
    seen: set[str] = set()
    todo = list(_refs(bodies))
    while todo:
        name = todo.pop()
        if name in seen or name not in components:
            continue
        seen.add(name)
        todo.extend(_refs(components[name]))
    return seen


def close_request_objects(result: dict, generator, request, public) -> dict:
    """POSTPROCESSING_HOOKS: `additionalProperties: false` on every object in a request body.

    With COMPONENT_SPLIT_REQUEST a request object is a component of its own (`IvnaRequest`),
    never shared with an answer, so closing it leaves the answers open.
    """
    components = result.get("components", {}).get("schemas", {})
    names = request_components(result)
    inline = [
        content.get("schema", {})
        for path in result.get("paths", {}).values()
        for operation in path.values()
        if isinstance(operation, dict)
        for content in operation.get("requestBody", {}).get("content", {}).values()
    ]
    for node in [*(components[name] for name in names), *inline]:
        for obj in _objects(node):
            obj["additionalProperties"] = False
    return result


def examples_on_components(result: dict, generator, request, public) -> dict:
    """POSTPROCESSING_HOOKS: an example on every component schema, taken from the operations'
    examples (the part of an example that is that component's), so that the schemas in the
    docs show one too without restating it. An enum no example reaches shows its first value.
    """
    components = result.get("components", {}).get("schemas", {})

    def walk(node: object, value: object) -> None:
        if not isinstance(node, dict):
            return
        if len(node.get("allOf", [])) == 1:  # a $ref with a description beside it
            walk(node["allOf"][0], value)
            return
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = components.get(ref.removeprefix(SCHEMA_REF))
            if target is not None:
                target.setdefault("example", value)
                walk(target, value)
            return
        if isinstance(value, dict):
            properties = node.get("properties", {})
            extra = node.get("additionalProperties")  # a map: each value is that schema
            for key, item in value.items():
                walk(properties.get(key, extra if isinstance(extra, dict) else None), item)
        elif isinstance(value, list) and value:
            walk(node.get("items"), value[0])

    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            answers = list(operation.get("responses", {}).values())
            for holder in [operation.get("requestBody", {}), *answers]:
                for content in holder.get("content", {}).values():
                    for example in content.get("examples", {}).values():
                        walk(content.get("schema"), example.get("value"))
    for component in components.values():
        if component.get("enum") and "example" not in component:
            component["example"] = component["enum"][0]
    return result
