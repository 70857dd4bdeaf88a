"""Which representation of a resource a client prefers, from its `Accept` header (RFC 9110 §12.5.1)."""

from __future__ import annotations

HTML_CONTENT_TYPE = "text/html"


def quality(accept_header: str, media_type: str) -> float:
    """The weight `accept_header` gives `media_type`: its most specific matching range wins (RFC 9110 §12.5.1)."""
    main_type = media_type.split("/", 1)[0]
    best_specificity, best_weight = -1, 0.0
    for part in accept_header.split(","):
        range_and_parameters = [piece.strip() for piece in part.split(";")]
        media_range = range_and_parameters[0].lower()
        if media_range == media_type:
            specificity = 2
        elif media_range == f"{main_type}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        weight = 1.0
        for parameter in range_and_parameters[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    weight = 0.0
        if specificity > best_specificity:
            best_specificity, best_weight = specificity, weight
    return best_weight


def prefers_html(accept_header: str | None, over: str = "application/json") -> bool:
    """Whether a client would rather have HTML than `over`: a browser, not an API client. No Accept, or a tie (as in
    `*/*`), keeps the machine-readable form."""
    if not accept_header:
        return False
    return quality(accept_header, HTML_CONTENT_TYPE) > quality(accept_header, over)
