"""The router: intents (classified), their argument readers, slots, follow-ups and questions."""

from assistant.core.routing.route import Request, Route

__all__ = ["Request", "Route"]
