"""Operations: one structured log line and CloudWatch metrics (EMF) per request, with health data kept out."""

from chalice_mcp.observability.request_observer import RequestObserver, configure_library_logging

__all__ = ["RequestObserver", "configure_library_logging"]
