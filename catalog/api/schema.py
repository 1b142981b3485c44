"""Adds the responses every API operation can give besides its 200 to the OpenAPI schema."""

ERROR = {
    "type": "object",
    "description": "For 400, one key per offending parameter with a list of messages; "
    "otherwise a `detail` message.",
    "additionalProperties": True,
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "seconds until a retry may succeed",
    }
}
COMMON = {
    "304": {"description": "Not modified: the ETag or Last-Modified sent still matches."},
    "400": {
        "description": "A parameter is malformed.",
        "content": {"application/json": {"schema": ERROR}},
    },
    "401": {
        "description": "The API token is not valid.",
        "content": {"application/json": {"schema": ERROR}},
    },
    "404": {
        "description": "No such item or page, or a filter naming no such organisation or licence.",
        "content": {"application/json": {"schema": ERROR}},
    },
    "429": {
        "description": "Too many requests: wait for Retry-After seconds.",
        "headers": RETRY_AFTER,
        "content": {"application/json": {"schema": ERROR}},
    },
}
CONDITIONAL_HEADERS = {
    "ETag": {"schema": {"type": "string"}},
    "Last-Modified": {"schema": {"type": "string"}},
}


def add_common_responses(result, generator, request, public):
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, response in COMMON.items():
                responses.setdefault(code, response)
            ok = responses.get("200")
            if ok is not None:
                ok.setdefault("headers", {}).update(CONDITIONAL_HEADERS)
    return result
