"""Structured logs: one JSON object a line, each tagged with the request it belongs to."""

import contextvars
import logging
import time
import uuid

from pythonjsonlogger.json import JsonFormatter as LibraryJsonFormatter

request_id = contextvars.ContextVar("request_id", default="-")


class JsonFormatter(LibraryJsonFormatter):
    """python-json-logger's formatter, with the keys our lines have always had: `time` (UTC, to
    the millisecond), `level`, `logger`, `message`, `request_id` and `exception`. Every field a
    caller passes in `extra` (`event`, `counts`, `hub`...) is written as well."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "rename_fields", {"levelname": "level", "name": "logger", "exc_info": "exception"}
        )
        super().__init__(["levelname", "name", "message"], *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        log_data["time"] = (
            time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z"
        )
        super().add_fields(log_data, record, message_dict)
        log_data.setdefault("request_id", request_id.get())


class RequestIdMiddleware:
    """Takes the caller's X-Request-ID (or makes one), tags every log line with it, echoes it,
    and logs one line per request with its status and duration."""

    logger = logging.getLogger("openness.request")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        rid = given if given and len(given) <= 64 and given.isprintable() else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            self.logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status_code": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)
